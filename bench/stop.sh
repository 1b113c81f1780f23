#!/bin/sh
# How long `vigil run` takes to stop: SIGINT to exit, ROUNDS times, median and
# worst (milliseconds). Every restart, upgrade and rollback pays it. With
# VIGIL_BASE=PATH the other build runs interleaved.
set -eu
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-build/vigil}
VIGIL_BASE=${VIGIL_BASE:-}
ROUNDS=${ROUNDS:-5}
dir=$(mktemp -d /tmp/vg-bench-stop.XXXXXX)
trap 'rm -rf "$dir"' EXIT

stop_ms() {	# one run of $1: prints the milliseconds from SIGINT to exit
	"$1" run --socket "$dir/ctl.sock" >/dev/null 2>"$dir/err" &
	pid=$!
	n=0
	until grep -q "vigil: ready" "$dir/err"; do
		n=$((n + 1))
		if [ $n -gt 300 ] || ! kill -0 $pid 2>/dev/null; then
			echo "bench: $1 did not start:" >&2; cat "$dir/err" >&2; exit 1
		fi
		sleep 0.1
	done
	t0=$(date +%s%N)
	kill -INT $pid
	wait $pid || true
	echo $(( ($(date +%s%N) - t0) / 1000000 ))
}

echo "== vigil run: SIGINT to exit ($ROUNDS interleaved rounds, ms)"
r=1
while [ $r -le "$ROUNDS" ]; do
	echo "vigil $(stop_ms "$VIGIL")" >> "$dir/results"
	[ -n "$VIGIL_BASE" ] && echo "base $(stop_ms "$VIGIL_BASE")" >> "$dir/results"
	r=$((r + 1))
done
for label in vigil base; do
	grep "^$label " "$dir/results" | awk '{ print $2 }' | sort -n | awk -v l="$label" '
		{ v[NR] = $1 } END { if (NR) printf "%-6s median %6d  worst %6d  (%d runs)\n", l,
			v[int((NR + 1) / 2)], v[NR], NR }'
done
