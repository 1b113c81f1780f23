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
# Every open exported: `vigil trace file` watching the loop's directory, JSON
# lines to a file (#14's "export everything" row; drops are in the summary).
EXPORT_OUT=$(mktemp /tmp/vigil-bench-export-XXXXXX.json)
bench_run "open+close, every open exported to a JSON file" "$ROUNDS" "build/bench/file_loop $SECS" -- \
	"no-agent" "" \
	"vigil-trace-file-to-file" "$VIGIL trace file --json --path /var/tmp >$EXPORT_OUT" \
	"vigil-trace-wakeup-each" "$VIGIL trace file --json --path /var/tmp --wakeup-batch 0 >$EXPORT_OUT"
rm -f "$EXPORT_OUT"
# Write-opens on the host (not in a container) with the default rules with and
# without container_wrote_host_mount: what its kernel check (mount namespace of
# the writer) costs a host that never matches it.
bench_run "write-open+close on the host" "$ROUNDS" "build/bench/file_loop $SECS /var/tmp write" -- \
	"no-agent" "" \
	"vigil-run-default-yaml-only" "$VIGIL run --no-default-policy --policy policy/default.yaml" \
	"vigil-run-default+containers" "$VIGIL run --no-default-policy --policy policy"
