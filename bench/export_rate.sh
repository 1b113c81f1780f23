#!/bin/sh
# How many events per second `vigil trace file --json` exports to a file,
# and where the limit is. The events are opens of one file (bench/file_loop,
# LOOPS loops in parallel), each loop counting its own opens.
#  1. generators alone: how many opens/s LOOPS loops make with no agent;
#  2. live: the same loops with the agent exporting every open to a file:
#     generated, written, reported lost, events/s written;
#  3. drain: the agent stopped (SIGSTOP) while the loops fill a RING-sized
#     ring buffer, then continued: the rate at which it empties the ring into
#     the file with both CPUs to itself (the consumer's own ceiling).
# "generated" and "written" count opens; the check that nothing is lost
# unaccounted compares every file call of the loops (their opens, and the
# unlink and two rmdirs each makes when it cleans up: file_loop's
# "file_calls") with every record written, since the kernel's loss count
# covers them all.
#   LOOPS=2 SECS=3 RING=512M sh bench/export_rate.sh
set -eu
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-build/vigil}
LOOPS=${LOOPS:-2}
SECS=${SECS:-3}
RING=${RING:-512M}
TMP=$(mktemp -d /var/tmp/vigil-export-XXXXXX)
export VIGIL_SOCKET=$TMP/sock
. bench/lib.sh
AGENT=
cleanup() {
	[ -n "$AGENT" ] && kill -CONT $AGENT 2>/dev/null && kill -INT $AGENT 2>/dev/null &&
		wait $AGENT 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

loops() {	# runs LOOPS file_loops for SECS; prints the opens and all file calls they made
	i=0
	while [ $i -lt "$LOOPS" ]; do
		VIGIL_BENCH_STATS=$TMP/gen.$i build/bench/file_loop "$SECS" "$TMP/data" >/dev/null &
		i=$((i + 1))
	done
	wait
	cat "$TMP"/gen.* | awk '/^generated/{n += $2} /^file_calls/{c += $2} END{print n, c}'
	rm -f "$TMP"/gen.*
}

agent_start() {
	rm -f "$TMP/err" "$TMP/out.json"
	: >"$TMP/err"
	$VIGIL trace file --json --path "$TMP/data" "$@" >"$TMP/out.json" 2>"$TMP/err" &
	AGENT=$!
	bench_wait_ready $AGENT "$TMP/err" || exit 1
}

agent_stop() {	# sets W (open events written), WA (file records written), L (reported lost)
	kill -INT $AGENT; wait $AGENT || true; AGENT=
	W=$(grep -c '"action":"open"' "$TMP/out.json" || true)
	# Every file record of the loops, not the health events about the losses.
	WA=$(grep -c "\"path\":\"$TMP/data/" "$TMP/out.json" || true)
	l=$(sed -n 's/.*sensor file: [0-9]* sent, [0-9]* filtered in kernel, \([0-9]*\) lost.*/\1/p' "$TMP/err")
	q=$(sed -n 's/.*queue_full=\([0-9]*\).*/\1/p' "$TMP/err")
	L=$((l + q))
}

check() {	# every file call is a record written or one reported lost
	[ $((calls - WA)) -eq "$L" ] ||
		echo "  MISMATCH: file calls ($calls) - records written ($WA) != reported lost ($L)"
}

cpu_ticks() { awk '{print $14 + $15}' /proc/$AGENT/stat; }

mkdir -p "$TMP/data"
echo "export of file opens, $LOOPS loops x ${SECS}s; load $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"

set -- $(loops); gen=$1
echo "generators alone:  $gen opens, $((gen / SECS)) /s"

agent_start
t0=$(cpu_ticks)
set -- $(loops); gen=$1 calls=$2
t1=$(cpu_ticks)
agent_stop
echo "live:              $gen generated, $W written, $L reported lost," \
	"$((W / SECS)) written/s, agent CPU $(( (t1 - t0) * 100 / SECS / $(getconf CLK_TCK) ))% of one CPU," \
	"$(( $(stat -c %s "$TMP/out.json") / (W > 0 ? W : 1) )) bytes/event"
check

agent_start --ringbuf-size "$RING"
kill -STOP $AGENT
set -- $(loops); gen=$1 calls=$2
t0=$(cpu_ticks)
start=$(date +%s.%N)
kill -CONT $AGENT
# Drained when the file stops growing for 0.3 s.
last=-1
while :; do
	size=$(stat -c %s "$TMP/out.json")
	[ "$size" -eq "$last" ] && break
	last=$size
	sleep 0.3
done
end=$(date +%s.%N)
t1=$(cpu_ticks)
agent_stop
hz=$(getconf CLK_TCK)
echo "drain:             $gen generated, $W written, $L reported lost in" \
	"$(echo "$end - $start - 0.3" | bc) s: $(echo "$W / ($end - $start - 0.3)" | bc) written/s;" \
	"agent CPU $(echo "($t1 - $t0) / $hz" | bc -l | cut -c1-5) s:" \
	"$(echo "$W * $hz / ($t1 - $t0)" | bc) events per agent CPU-second"
check
