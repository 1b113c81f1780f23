# technique: T1055 write another process's memory with process_vm_writev
# rule: process_memory_write
# exe: $VG_HELPERS/priv_helper
. "$(dirname "$0")/common.bash"
trace_sleeper
