# technique: T1562.001 the vigil agent's memory read through /proc/PID/mem
# rule: vigil_self_memory
# file: /proc/*/mem
. "$(dirname "$0")/common.bash"
python3 - "$VG_AGENT_PID" <<'PY'
import sys
pid = sys.argv[1]
with open("/proc/%s/maps" % pid) as m:
    start = int(m.readline().split("-")[0], 16)
with open("/proc/%s/mem" % pid, "rb") as f:
    f.seek(start)
    f.read(16)
PY
