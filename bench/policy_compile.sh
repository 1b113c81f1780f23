#!/bin/sh
# Policy compile time and peak memory (`vigil policy check`) on generated
# policies: 1k, 10k and 60k rules and a 1M-item list (bench/policy_gen.py).
# Compiling must stay linear in the file: 60k rules should cost about six
# times 10k. With VIGIL_BASE=PATH the other build runs the same files, for
# a before/after in one run; a build that takes over TIMEOUT_S seconds
# (default 120) is reported as "> TIMEOUT_S".
set -eu
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-build/vigil}
VIGIL_BASE=${VIGIL_BASE:-}
TIMEOUT_S=${TIMEOUT_S:-120}
dir=$(mktemp -d /tmp/vg-bench-compile.XXXXXX)
trap 'rm -rf "$dir"' EXIT

for spec in "rules 1000" "rules 10000" "rules 60000" "list 1000000"; do
	set -- $spec
	python3 bench/policy_gen.py "$1" "$2" > "$dir/$1_$2.yaml"
done

echo "== policy compile (vigil policy check; seconds, peak RSS)"
printf '%-14s %-10s %10s %12s %s\n' policy build seconds peak_rss_kb result
for f in rules_1000 rules_10000 rules_60000 list_1000000; do
	for build in "$VIGIL" $VIGIL_BASE; do
		label=vigil; [ "$build" = "$VIGIL" ] || label=base
		if timeout "$TIMEOUT_S" /usr/bin/time -o "$dir/time" -f '%e %M' "$build" policy check --no-default-policy \
			-q "$dir/$f.yaml" >/dev/null 2>&1; then
			read -r secs rss < "$dir/time"
			printf '%-14s %-10s %10s %12s ok\n' "$f" "$label" "$secs" "$rss"
		else
			printf '%-14s %-10s %10s %12s failed or timed out\n' "$f" "$label" \
				"> $TIMEOUT_S" "-"
		fi
	done
done
