#!/bin/sh
# Runs every benchmark (bench/*.sh other than this file and lib.sh).
set -eu
cd "$(dirname "$0")/.."
for b in bench/*.sh; do
	case "$b" in bench/run.sh|bench/lib.sh) continue ;; esac
	sh "$b"
done
