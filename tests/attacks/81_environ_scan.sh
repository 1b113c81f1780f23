# technique: T1552.007 the environment of many processes read in a loop
# rule: process_environment_scan
# file: /proc/*/environ
. "$(dirname "$0")/common.bash"
pids=()
for _ in $(seq 12); do sleep 30 & pids+=($!); done
on_exit "kill ${pids[*]}"
python3 - "${pids[@]}" <<'PY'
import sys
for pid in sys.argv[1:]:
    with open("/proc/%s/environ" % pid, "rb") as f:
        f.read()
PY
