#!/bin/sh
# Policy size must not change the cost of events no rule wants: the
# open+close loop (outside every watched path) under `vigil run` with a
# 1-rule policy and with a 200-rule policy, against no agent.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-2}
dir=$(mktemp -d /tmp/vg-bench-policy.XXXXXX)
trap 'rm -rf "$dir"' EXIT

gen_policy() {	# N FILE: N open rules on distinct sensitive paths, plus exec rules
	n=$1
	{
		echo "rules:"
		i=0
		while [ $i -lt "$n" ]; do
			case $((i % 4)) in
			0) cond="file.path startswith /etc/bench$i/" ; ev=open ;;
			1) cond="file.path = /var/lib/bench$i/secret" ; ev=open ;;
			2) cond="process.executable.path = /opt/bench$i/tool" ; ev=exec ;;
			3) cond="file.path startswith /srv/bench$i/ and process.user.id = $i" ; ev=open ;;
			esac
			printf '  - name: rule_%d\n    event: %s\n    condition: %s\n    severity: low\n' \
				"$i" "$ev" "$cond"
			i=$((i + 1))
		done
	} > "$2"
}
gen_policy 1 "$dir/p1.yaml"
gen_policy 200 "$dir/p200.yaml"
$VIGIL policy check --no-default-policy "$dir/p1.yaml" >/dev/null
$VIGIL policy check --no-default-policy "$dir/p200.yaml" >/dev/null

bench_run "open+close outside the watch set, by policy size" "$ROUNDS" "build/bench/file_loop $SECS" -- \
	"no-agent" "" \
	"vigil-run-1-rule" "$VIGIL run --alerts-only --no-default-policy --policy $dir/p1.yaml" \
	"vigil-run-200-rules" "$VIGIL run --alerts-only --no-default-policy --policy $dir/p200.yaml"

# Opens inside a watched path by a user no rule names: with the uid in the
# rule the kernel drops them; with a condition only user space can decide,
# each one crosses the ring buffer and is evaluated.
mkdir -p "$dir/w"
printf 'rules:\n  - name: other_user\n    event: open\n    condition: file.path startswith %s/w/ and process.user.id = 4242\n' \
	"$dir" > "$dir/uid.yaml"
printf 'rules:\n  - name: never_named\n    event: open\n    condition: file.path startswith %s/w/ and file.name = vg-never\n' \
	"$dir" > "$dir/user.yaml"
$VIGIL policy check --no-default-policy "$dir/uid.yaml" "$dir/user.yaml" >/dev/null
bench_run "open+close inside a watched path, by a uid no rule names" "$ROUNDS" \
	"build/bench/file_loop $SECS $dir/w" -- \
	"no-agent" "" \
	"uid-filtered-in-kernel" "$VIGIL run --alerts-only --no-default-policy --policy $dir/uid.yaml" \
	"decided-in-user-space" "$VIGIL run --alerts-only --no-default-policy --policy $dir/user.yaml"
