#!/bin/sh
# How long `vigil probe` takes (every hook tried, every sensor's object
# loaded and closed again): median and worst of ROUNDS runs, wall
# milliseconds, next to the elapsed_ms the probe reports itself and the CPU
# time it used (user + system: what does not depend on the machine's load).
# Most of it is libbpf's parse of the kernel BTF and the verifier, once per
# sensor object; report the load average too.
set -eu
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-build/vigil}
ROUNDS=${ROUNDS:-5}
out=$(mktemp /tmp/vg-bench-probe.XXXXXX)
trap 'rm -f "$out"' EXIT

echo "== vigil probe --json: wall, self-reported and CPU ms, $ROUNDS runs"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
walls=""
selfs=""
cpus=""
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	set -- $(python3 - "$VIGIL" "$out" <<'PY'
import resource, subprocess, sys, time
t0 = time.monotonic()
with open(sys.argv[2], "w") as f:
    subprocess.run([sys.argv[1], "probe", "--json"], stdout=f, check=True)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(int((time.monotonic() - t0) * 1000), int((ru.ru_utime + ru.ru_stime) * 1000))
PY
)
	walls="$walls $1"
	cpus="$cpus $2"
	selfs="$selfs $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["elapsed_ms"])' "$out")"
	i=$((i + 1))
done
for kind in wall self cpu; do
	case $kind in wall) set -- $walls ;; self) set -- $selfs ;; *) set -- $cpus ;; esac
	printf '%s\n' "$@" | sort -n | awk -v k="$kind" '{ v[NR] = $1 }
		END { printf "probe %-4s median %6d  worst %6d  (%d runs)\n", k, v[int((NR + 1) / 2)], v[NR], NR }'
done
