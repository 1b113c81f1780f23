#!/bin/sh
# Privilege sensor fast path (prctl/setuid/kill calls nobody asked for): no agent
# vs empty programs on the same hooks (the floor) vs `vigil trace priv --json >/dev/null`.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-2}
bench_run "prctl+setuid+kill(self,0) loop" "$ROUNDS" "build/bench/priv_loop $SECS" -- \
	"no-agent" "" \
	"floor-empty-sys_enter+exit" "$VIGIL floor priv" \
	"vigil-trace-priv-json" "$VIGIL trace priv --json"
