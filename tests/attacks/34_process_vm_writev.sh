# technique: T1055 write another process's memory with process_vm_writev
# rule: process_memory_write
# exe: $VG_HELPERS/priv_helper
. "$(dirname "$0")/common.bash"
coproc SLEEPER { "$VG_HELPERS/priv_helper" sleeper; }
read -r pid addr <&"${SLEEPER[0]}"
"$VG_HELPERS/priv_helper" ptrace "$pid" "$addr"
exec {SLEEPER[1]}>&-
wait
