# technique: T1003.007 read another process's memory through /proc/PID/mem
# rule: read_process_memory_file
# file: /proc/*/mem
. "$(dirname "$0")/common.bash"
sleep 30 & victim=$!
on_exit "kill $victim"
python3 - "$victim" <<'PY'
import sys
pid = sys.argv[1]
with open("/proc/%s/maps" % pid) as m:
    start = int(m.readline().split("-")[0], 16)
with open("/proc/%s/mem" % pid, "rb") as f:
    f.seek(start)
    f.read(64)
PY
