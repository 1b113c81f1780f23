#!/bin/sh
# What the agent's own-file rules (on by default, issue #16) cost a policy
# whose file rules keep the kernel's actor pre-filter on: a file rule for
# one uid (4343) the loop (root) is not. Read-opens are rejected before any
# path work as before; write-opens by a rejected actor are now path-walked
# to see whether they touch the agent's files. With VIGIL_BASE (a build
# before the change) each set-up also runs with it; with VIGIL_BASE_OPTIN=1
# the base also runs with --watch-own-files (the old opt-in rule, which
# turned the actor pre-filter off).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-2}
dir=$(mktemp -d /tmp/vigil-bench-self-XXXXXX)
chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
cat > "$dir/policy.yaml" <<'YAML'
rules:
  - name: one_uid_writes_etc
    event: open
    condition: file.path startswith /etc/ and process.user.id = 4343
    severity: low
YAML
chmod 644 "$dir/policy.yaml"
run="run --policy $dir/policy.yaml --alerts-only --canary-window 0 --state-dir $dir/state"
optin=
if [ -n "$VIGIL_BASE" ] && [ "${VIGIL_BASE_OPTIN:-0}" = 1 ]; then
	optin="base-watch-own-files"
fi
for how in read write; do
	# This policy alone (its uid pre-filter), not on top of the default.
	set -- "no-agent" "" "vigil-run-uid-rule" "$VIGIL $run --no-default-policy"
	[ -n "$optin" ] && set -- "$@" "$optin" "$VIGIL_BASE $run --watch-own-files"
	bench_run "$how-open+close by a process the pre-filter rejects" "$ROUNDS" \
		"build/bench/file_loop $SECS /var/tmp $how" -- "$@"
done
