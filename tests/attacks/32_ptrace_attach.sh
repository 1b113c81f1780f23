# technique: T1055.008 ptrace attach, poke the target's memory, process_vm_writev
# rule: ptrace_attach
# exe: $VG_HELPERS/priv_helper
. "$(dirname "$0")/common.bash"
coproc SLEEPER { "$VG_HELPERS/priv_helper" sleeper; }
read -r pid addr <&"${SLEEPER[0]}"
"$VG_HELPERS/priv_helper" ptrace "$pid" "$addr"
exec {SLEEPER[1]}>&-
wait
