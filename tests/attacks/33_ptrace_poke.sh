# technique: T1055.008 code injection: PTRACE_POKEDATA into another process
# rule: ptrace_code_injection
# exe: $VG_HELPERS/priv_helper
. "$(dirname "$0")/common.bash"
coproc SLEEPER { "$VG_HELPERS/priv_helper" sleeper; }
read -r pid addr <&"${SLEEPER[0]}"
"$VG_HELPERS/priv_helper" ptrace "$pid" "$addr"
exec {SLEEPER[1]}>&-
wait
