#!/bin/sh
# TCP connect/accept/close loop on loopback: no agent vs empty programs on
# the network sensor's hooks (the floor) vs `vigil trace net --json >/dev/null`
# vs `vigil run --alerts-only` with one connect rule the kernel filter decides
# (port 1: nothing crosses) and one it cannot (every connect crosses).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-2}
dir=$(mktemp -d /tmp/vg-bench-net.XXXXXX)
trap 'rm -rf "$dir"' EXIT
# A connect rule on port 1: the loop's connections (ephemeral port) stay in
# the kernel. The same rule written on a field the kernel cannot test
# (network.type) lets every connect record cross to user space.
cat > "$dir/port1.yaml" <<'YAML'
rules:
  - name: connect_port_1
    event: connect
    condition: destination.port = 1
YAML
cat > "$dir/userspace.yaml" <<'YAML'
rules:
  - name: connect_ipv6
    event: connect
    condition: network.type = ipv6
YAML
out=$($VIGIL policy check --no-default-policy "$dir/port1.yaml" "$dir/userspace.yaml" 2>&1) || { echo "$out" >&2; exit 1; }
bench_run "tcp connect+accept+close 127.0.0.1" "$ROUNDS" "build/bench/net_loop $SECS" -- \
	"no-agent" "" \
	"floor-empty-net" "$VIGIL floor net" \
	"vigil-trace-net-json" "$VIGIL trace net --json" \
	"vigil-run-rule-port1" "$VIGIL run --alerts-only --no-default-policy --policy $dir/port1.yaml" \
	"vigil-run-rule-userspace" "$VIGIL run --alerts-only --no-default-policy --policy $dir/userspace.yaml"
# The kernel side alone: every connection filtered out in the kernel (port 1).
bench_run "tcp connect+accept+close 127.0.0.1, filtered in kernel" "$ROUNDS" "build/bench/net_loop $SECS" -- \
	"no-agent" "" \
	"floor-empty-net" "$VIGIL floor net" \
	"vigil-trace-net-port1" "$VIGIL trace net --json --port 1"
