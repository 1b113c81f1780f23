# technique: T1055.008 ptrace attach, poke the target's memory, process_vm_writev
# rule: ptrace_attach
# exe: $VG_HELPERS/priv_helper
. "$(dirname "$0")/common.bash"
trace_sleeper
