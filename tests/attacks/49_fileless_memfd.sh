# technique: T1620 fileless execution from a memfd
# rule: fileless_execution
# exe: /memfd:*
. "$(dirname "$0")/common.bash"
python3 - <<'PY'
import os
fd = os.memfd_create("payload")
with open("/usr/bin/true", "rb") as f:
    os.write(fd, f.read())
pid = os.fork()
if pid == 0:
    os.execv("/proc/self/fd/%d" % fd, ["payload"])
_, st = os.waitpid(pid, 0)
raise SystemExit(os.waitstatus_to_exitcode(st))
PY
