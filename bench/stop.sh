#!/bin/sh
# How long `vigil run` takes to stop: SIGINT to exit, ROUNDS times, median and
# worst (milliseconds). Every restart, upgrade and rollback pays it. With
# VIGIL_BASE=PATH the other build runs interleaved.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
dir=$(mktemp -d /tmp/vg-bench-stop.XXXXXX)
trap 'rm -rf "$dir"' EXIT

stop_ms() {	# one run of $1: prints the milliseconds from SIGINT to exit
	bench_start "$1 run" >&2 || exit 1
	t0=$(date +%s%N)
	bench_stop
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
