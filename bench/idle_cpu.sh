#!/bin/sh
# CPU an idle `vigil run` (default policy) uses: user + system time of all
# its threads over SECS seconds (default 60), as a percentage of one core,
# next to its wake-ups (context switches of all its threads) per second and
# the records it received meanwhile (what the rest of the host did). Goal:
# < 0.5% of one core. Other work on the host makes records, so report the
# load average too.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
SECS=${SECS:-60}
log=$(mktemp /tmp/vg-bench-idle.XXXXXX)
trap 'rm -f "$log"' EXIT

# utime + stime of process $1, in clock ticks.
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# Context switches of every thread of process $1.
switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'
}

echo "== vigil run, idle: CPU and wake-ups over $SECS s"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
sh -c "exec $VIGIL run" >/dev/null 2>"$log" &
pid=$!
bench_wait_ready "$pid" "$log"
sleep 5	# past the start: the first sweep and trim
t0=$(ticks "$pid"); s0=$(switches "$pid")
sleep "$SECS"
t1=$(ticks "$pid"); s1=$(switches "$pid")
kill -INT "$pid" && wait "$pid" 2>/dev/null || true
hz=$(getconf CLK_TCK)
awk -v t=$((t1 - t0)) -v hz="$hz" -v s=$((s1 - s0)) -v secs="$SECS" 'BEGIN {
	printf "cpu %.2f%% of one core (%.2f s in %d s), %.1f wake-ups/s\n",
		100 * t / hz / secs, t / hz, secs, s / secs }'
grep "events received" "$log" | sed 's/^vigil: /records over the whole run: /'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
