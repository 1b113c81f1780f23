#!/bin/sh
# How long `vigil probe` takes (every hook tried, loaded and closed again):
# median and worst of ROUNDS runs, wall milliseconds, next to the
# elapsed_ms the probe reports itself. Most of it is the kernel retiring
# the perf-event tracepoint links it tries, so report the load average too.
set -eu
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-build/vigil}
ROUNDS=${ROUNDS:-5}
out=$(mktemp /tmp/vg-bench-probe.XXXXXX)
trap 'rm -f "$out"' EXIT

echo "== vigil probe --json: wall and self-reported ms, $ROUNDS runs"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
walls=""
selfs=""
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	t0=$(date +%s%N)
	"$VIGIL" probe --json >"$out"
	t1=$(date +%s%N)
	walls="$walls $(( (t1 - t0) / 1000000 ))"
	selfs="$selfs $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["elapsed_ms"])' "$out")"
	i=$((i + 1))
done
for kind in wall self; do
	if [ "$kind" = wall ]; then set -- $walls; else set -- $selfs; fi
	printf '%s\n' "$@" | sort -n | awk -v k="$kind" '{ v[NR] = $1 }
		END { printf "probe %-4s median %6d  worst %6d  (%d runs)\n", k, v[int((NR + 1) / 2)], v[NR], NR }'
done
