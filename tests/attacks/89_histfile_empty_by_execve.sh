# technique: T1562.003 an empty HISTFILE given to execve by a program
# rule: history_disabled_in_environment
# exe: /usr/bin/true
# evasion-of: 87_histfile_dev_null_env
. "$(dirname "$0")/common.bash"
python3 - <<'PY'
import os
pid = os.fork()
if pid == 0:
    os.execve("/bin/true", ["true"], {"PATH": "/usr/bin:/bin", "HISTFILE": ""})
_, st = os.waitpid(pid, 0)
raise SystemExit(os.waitstatus_to_exitcode(st))
PY
