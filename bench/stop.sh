#!/bin/sh
# How long `vigil run` takes to start (exec to "vigil: ready") and to stop
# (SIGINT to exit), ROUNDS times each: median and worst, milliseconds. Every
# restart, upgrade and rollback pays both. Also the CPU time the agent spent
# up to "ready" (user + system, all its threads): the part of a start that
# does not depend on what else the machine runs. With VIGIL_BASE=PATH the other
# build runs interleaved. Most of the stop is the kernel retiring each
# syscall tracepoint link (one RCU grace period per tracepoint, serialized
# under the kernel's event_mutex), so it grows with the machine's load:
# report the load average next to the numbers.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
dir=$(mktemp -d /tmp/vg-bench-stop.XXXXXX)
trap 'rm -rf "$dir"' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# One run of $1: prints "START_MS STOP_MS CPU_MS". Polls every 10 ms for
# readiness (bench_start polls every 100 ms: too coarse to time a start).
start_stop_ms() {
	log="$dir/log"
	: > "$log"
	t0=$(now_ms)
	sh -c "exec $1 run" >/dev/null 2>"$log" &
	pid=$!
	until grep -q "vigil: ready" "$log"; do
		if ! kill -0 "$pid" 2>/dev/null || [ $(( $(now_ms) - t0 )) -gt 30000 ]; then
			echo "bench: '$1 run' did not start:" >&2; cat "$log" >&2; exit 1
		fi
		sleep 0.01
	done
	t1=$(now_ms)
	# utime + stime (fields 14, 15 after the comm) in clock ticks.
	cpu=$(sed 's/.*) //' "/proc/$pid/stat" | awk -v hz="$(getconf CLK_TCK)" \
		'{ printf "%d", ($12 + $13) * 1000 / hz }')
	sleep 1	# let the agent settle, as a real restart would
	t2=$(now_ms)
	kill -INT "$pid" && wait "$pid" 2>/dev/null || true
	echo "$(( t1 - t0 )) $(( $(now_ms) - t2 )) $cpu"
}

echo "== vigil run: start (exec to ready), stop (SIGINT to exit) and CPU to ready, $ROUNDS interleaved rounds, ms"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
while [ $r -le "$ROUNDS" ]; do
	echo "vigil $(start_stop_ms "$VIGIL")" >> "$dir/results"
	[ -n "$VIGIL_BASE" ] && echo "base $(start_stop_ms "$VIGIL_BASE")" >> "$dir/results"
	r=$((r + 1))
done
for label in vigil base; do
	for col in 2 3 4; do
		what=$(case $col in 2) echo start ;; 3) echo stop ;; *) echo cpu ;; esac)
		grep "^$label " "$dir/results" | awk -v c=$col '{ print $c }' | sort -n | awk \
			-v l="$label" -v w="$what" '
			{ v[NR] = $1 } END { if (NR) printf "%-6s %-5s median %6d  worst %6d  (%d runs)\n",
				l, w, v[int((NR + 1) / 2)], v[NR], NR }'
	done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
