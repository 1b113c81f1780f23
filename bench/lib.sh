# Shared by bench/*.sh: run a workload under several set-ups, interleaved,
# and print ops/s (median, and min-max over the rounds) and the slowdown
# against "no agent" side by side. bench/overhead.py (make bench) is the
# full comparison; these scripts are make bench-micro.
#   bench_run NAME ROUNDS WORKLOAD -- SETUP_LABEL "SETUP_CMD" ...
# SETUP_CMD is started in the background ("" = no agent), the workload runs
# once it prints "vigil: ready", then SETUP_CMD gets SIGINT.
#
# VIGIL_BASE=PATH (another build of vigil, e.g. the previous release or
# main before a change) runs every set-up that starts $VIGIL a second time
# with PATH, as "base:LABEL", interleaved in the same rounds: a before/after
# comparison in one run, where the machine's noise hits both alike.
VIGIL=${VIGIL:-build/vigil}
VIGIL_BASE=${VIGIL_BASE:-}
# A control socket of the benchmark's own: a vigil service running on the
# host holds /run/vigil/vigil.sock, and one socket keeps one agent.
VIGIL_SOCKET=${VIGIL_SOCKET:-$(mktemp -u /tmp/vigil-bench-XXXXXX.sock)}
export VIGIL_SOCKET

# Until agent PID has written "vigil: ready" to LOG: 0, or 1 after saying
# why (it exited, or 60 s passed: a host full of processes starts slowly).
bench_wait_ready() {	# pid log
	_w=0
	until grep -q "vigil: ready" "$2"; do
		_w=$((_w + 1))
		if [ $_w -gt 600 ] || ! kill -0 "$1" 2>/dev/null; then
			echo "bench: vigil did not start:" >&2; cat "$2" >&2; return 1
		fi
		sleep 0.1
	done
}

bench_start() {	# $1: command; sets BENCH_PID
	BENCH_PID=
	[ -z "$1" ] && return 0
	log=$(mktemp)
	sh -c "exec $1" >/dev/null 2>"$log" &
	BENCH_PID=$!
	bench_wait_ready $BENCH_PID "$log" || { echo "bench: the command was: $1" >&2; return 1; }
	rm -f "$log"
}

bench_stop() {
	[ -n "$BENCH_PID" ] && kill -INT $BENCH_PID && wait $BENCH_PID 2>/dev/null
	BENCH_PID=
}

bench_run() {	# name rounds workload -- label cmd [label cmd ...]
	name=$1; rounds=$2; workload=$3; shift 4
	setups=$(mktemp)
	while [ $# -ge 2 ]; do	# one "label<TAB>cmd" line per set-up
		printf '%s\t%s\n' "$1" "$2" >> "$setups"
		case "$2" in
		"$VIGIL "*) [ -n "$VIGIL_BASE" ] &&
			printf 'base:%s\t%s%s\n' "$1" "$VIGIL_BASE" "${2#"$VIGIL"}" >> "$setups" ;;
		esac
		shift 2
	done
	results=$(mktemp)
	r=1
	while [ $r -le "$rounds" ]; do
		while IFS='	' read -r label cmd; do
			bench_start "$cmd" || exit 1
			ops=$(sh -c "$workload" </dev/null)
			bench_stop
			echo "$label $ops" >> "$results"
		done < "$setups"
		r=$((r + 1))
	done
	echo "== $name ($rounds interleaved rounds, median ops/s)"
	awk -v order="$(cut -f1 "$setups" | tr '\n' ' ')" '
		{ v[$1] = v[$1] " " $2 }
		END {
			n = split(order, labels, " ")
			for (k = 1; k <= n; k++) {
				m = split(v[labels[k]], xs, " ")
				for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++)
					if (xs[b] + 0 < xs[a] + 0) { t = xs[a]; xs[a] = xs[b]; xs[b] = t }
				med[k] = (m % 2) ? xs[(m + 1) / 2] : (xs[m / 2] + xs[m / 2 + 1]) / 2
				lo[k] = xs[1]; hi[k] = xs[m]
			}
			printf "%-32s %12s %10s %14s  %s\n", "setup", "ops/s", "slowdown", "added cost", "min-max ops/s"
			for (k = 1; k <= n; k++) {
				added = (med[k] > 0 && med[1] > 0) ? 1e6 / med[k] - 1e6 / med[1] : 0
				printf "%-32s %12.1f %9.3fx %11.2f us  %.1f-%.1f\n", labels[k], med[k],
					med[1] / med[k], added, lo[k], hi[k]
			}
		}' "$results"
	rm -f "$results" "$setups"
}
