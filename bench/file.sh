#!/bin/sh
# open+close loop on a file outside the watch set: no agent vs an empty
# program on the file sensor's hook (the floor) vs `vigil trace file` with
# the default watch set, JSON to /dev/null.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-2}
bench_run "open+close outside the watch set" "$ROUNDS" "build/bench/file_loop $SECS" -- \
	"no-agent" "" \
	"floor-empty-tp_btf-sys_exit" "$VIGIL floor file" \
	"vigil-trace-file-json" "$VIGIL trace file --json"
# Write-opens on the host (not in a container) with the default rules with and
# without container_wrote_host_mount: what its kernel check (mount namespace of
# the writer) costs a host that never matches it.
bench_run "write-open+close on the host" "$ROUNDS" "build/bench/file_loop $SECS /var/tmp write" -- \
	"no-agent" "" \
	"vigil-run-default-yaml-only" "$VIGIL run --no-default-policy --policy policy/default.yaml" \
	"vigil-run-default+containers" "$VIGIL run --no-default-policy --policy policy"
