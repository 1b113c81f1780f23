# technique: T1574.006 LD_PRELOAD given to execve by a program, no shell involved
# rule: preload_from_writable_dir
# exe: /usr/bin/true
# evasion-of: 82_ld_preload_from_tmp_env
. "$(dirname "$0")/common.bash"
python3 - "$VG_TMP/inject.so" <<'PY' 2>/dev/null
import os, sys
pid = os.fork()
if pid == 0:
    os.execve("/bin/true", ["true"], {"PATH": "/usr/bin:/bin", "LD_PRELOAD": sys.argv[1]})
_, st = os.waitpid(pid, 0)
raise SystemExit(os.waitstatus_to_exitcode(st))
PY
