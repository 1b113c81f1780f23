#!/bin/sh
# TCP connect/accept/close loop on loopback: no agent vs empty programs on
# the network sensor's hooks (the floor) vs `vigil trace net --json >/dev/null`.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-2}
bench_run "tcp connect+accept+close 127.0.0.1" "$ROUNDS" "build/bench/net_loop $SECS" -- \
	"no-agent" "" \
	"floor-empty-net" "$VIGIL floor net" \
	"vigil-trace-net-json" "$VIGIL trace net --json"
# The kernel side alone: every connection filtered out in the kernel (port 1).
bench_run "tcp connect+accept+close 127.0.0.1, filtered in kernel" "$ROUNDS" "build/bench/net_loop $SECS" -- \
	"no-agent" "" \
	"floor-empty-net" "$VIGIL floor net" \
	"vigil-trace-net-port1" "$VIGIL trace net --json --port 1"
