# technique: T1620 a program deleted before it is executed through its open fd
# rule: fileless_execution
# evasion-of: 49_fileless_memfd
. "$(dirname "$0")/common.bash"
cp /usr/bin/true "$VG_TMP/gone"
python3 - "$VG_TMP/gone" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.unlink(sys.argv[1])
pid = os.fork()
if pid == 0:
    os.execv("/proc/self/fd/%d" % fd, ["gone"])
_, st = os.waitpid(pid, 0)
raise SystemExit(os.waitstatus_to_exitcode(st))
PY
