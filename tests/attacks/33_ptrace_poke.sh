# technique: T1055.008 code injection: PTRACE_POKEDATA into another process
# rule: ptrace_code_injection
# exe: $VG_HELPERS/priv_helper
. "$(dirname "$0")/common.bash"
trace_sleeper
