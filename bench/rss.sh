#!/bin/sh
# Memory of `vigil run` (default policy) with a full process cache: RSS idle,
# then with N more sleeping processes made after it started (fork records
# fill the cache), then started with them already there (seeded from /proc).
# Prints RSS and its largest parts (smaps), and the cache's entry count
# (`vigil status`). Cleans up every process it made.
#   N=20000 MODE=fork|exec sh bench/rss.sh
set -eu
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-build/vigil}
N=${N:-20000}
MODE=${MODE:-fork}
TMP=$(mktemp -d /tmp/vigil-rss-XXXXXX)
export VIGIL_SOCKET=$TMP/sock
. bench/lib.sh
AGENT=
FILL=
cleanup() {
	[ -n "$AGENT" ] && kill -INT $AGENT 2>/dev/null && wait $AGENT 2>/dev/null || true
	[ -n "$FILL" ] && kill -TERM $FILL 2>/dev/null && wait $FILL 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

agent_start() {
	: >"$TMP/err"	# not the last agent's "ready"
	$VIGIL run --state-dir "$TMP/state" --max-overhead 0 "$@" >/dev/null 2>"$TMP/err" &
	AGENT=$!
	bench_wait_ready $AGENT "$TMP/err" || exit 1
}

agent_stop() {
	kill -INT $AGENT; wait $AGENT 2>/dev/null || true; AGENT=
}

# fill_start: N processes, held until fill_stop closes their stdin
fill_start() {
	mkfifo "$TMP/hold"
	build/bench/proc_fill "$N" "$MODE" <"$TMP/hold" >"$TMP/fill" &
	FILL=$!
	exec 9>"$TMP/hold"
	until grep -q ready "$TMP/fill" 2>/dev/null; do sleep 0.2; done
}

fill_stop() {
	exec 9>&-
	wait $FILL 2>/dev/null || true; FILL=
	rm -f "$TMP/hold" "$TMP/fill"
}

cache_entries() {
	$VIGIL status --json 2>/dev/null | tr ',' '\n' | sed -n 's/.*"process_cache_entries":\([0-9]*\).*/\1/p'
}

report() {	# $1: label
	sleep 3	# the worker takes the fork records; the sweep runs each second
	rss=$(awk '/^VmRSS/{print $2}' /proc/$AGENT/status)
	hwm=$(awk '/^VmHWM/{print $2}' /proc/$AGENT/status)
	printf '%-34s RSS %6.1f MiB (peak %5.1f), cache %s entries\n' "$1" \
		"$(echo "$rss / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)" "$(cache_entries)"
	awk '/^[0-9a-f]+-/{n=$6; if (n == "") n="[anon]"} /^Rss:/{r[n]+=$2}
	     END{for (k in r) if (r[k] >= 512) printf "    %7.1f MiB %s\n", r[k]/1024, k}' \
		/proc/$AGENT/smaps | sort -rn | head -6
}

echo "vigil run, default policy; $N processes ($MODE); load: $(cut -d' ' -f1-3 /proc/loadavg)"
agent_start "$@"
report "idle"
fill_start
report "+$N processes after start"
agent_stop
agent_start "$@"
report "started with $N processes"
agent_stop
fill_stop
