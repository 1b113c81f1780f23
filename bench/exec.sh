#!/bin/sh
# fork+exec loop: no agent vs empty programs on the same hooks (the floor)
# vs `vigil trace exec --json >/dev/null`.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-2}
bench_run "fork+exec /bin/true" "$ROUNDS" "build/bench/exec_loop $SECS" -- \
	"no-agent" "" \
	"floor-empty-tp_btf" "$VIGIL floor exec" \
	"vigil-trace-exec-json" "$VIGIL trace exec --json"
