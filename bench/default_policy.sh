#!/bin/sh
# What the built-in default policy costs: `vigil run --alerts-only` with the
# new default (83 rules) against the 9-rule default it replaced
# (bench/default_before_issue12.yaml) and no agent, on the events a host
# makes most: fork+exec, opens in a directory the default watches
# (/var/tmp: reads, and writes, which file provenance records) and in one it
# does not, and loopback TCP connections.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-2}
old=bench/default_before_issue12.yaml
dir=$(mktemp -d /var/cache/vg-bench-default.XXXXXX)
trap 'rm -rf "$dir"' EXIT

for w in "fork+exec /bin/true|build/bench/exec_loop $SECS" \
	 "open+close in /var/tmp (watched)|build/bench/file_loop $SECS /var/tmp" \
	 "open for write+close in /var/tmp (file provenance)|build/bench/file_loop $SECS /var/tmp write" \
	 "open+close in /root (a home: watched for keys, rc files, history)|build/bench/file_loop $SECS /root" \
	 "open+close in /var/cache (not watched)|build/bench/file_loop $SECS $dir" \
	 "tcp connect+accept+close 127.0.0.1|build/bench/net_loop $SECS"; do
	bench_run "${w%%|*}, default policy" "$ROUNDS" "${w#*|}" -- \
		"no-agent" "" \
		"vigil-run-9-rule-default" "$VIGIL run --alerts-only --no-default-policy --policy $old" \
		"vigil-run-new-default" "$VIGIL run --alerts-only"
done

# The same opens as a count of records crossing to user space (load-proof).
echo "== records crossing to user space per 1000 opens in /var/tmp and 1000 loopback connects"
VIGIL="$VIGIL" python3 bench/crossings.py "$ROUNDS"
