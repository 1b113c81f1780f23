#!/bin/sh
# Seccomp recorder (vigil advise seccomp) on a syscall-heavy loop: no agent vs an
# empty sys_enter program (the floor) vs the recorder with the loop outside its
# target (every other process's cost: a hash miss) vs inside it (the root cgroup:
# every syscall sets its bit, the recording cost itself).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-2}
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
sleep 100000 &
IDLE=$!
trap 'kill $IDLE' EXIT
bench_run "getppid() loop" "$ROUNDS" "build/bench/syscall_loop $SECS" -- \
	"no-agent" "" \
	"floor-empty-sys_enter" "$VIGIL floor seccomp" \
	"advise-other-target" "$VIGIL advise seccomp --pid $IDLE -o /dev/null" \
	"advise-recording-this" "$VIGIL advise seccomp --cgroup $CG2 -o /dev/null"
# The seccomp monitor of `vigil run` hooks sys_enter and sys_exit for every task;
# a task under no filter leaves after one field read.
bench_run "getppid() loop, seccomp monitor" "$ROUNDS" "build/bench/syscall_loop $SECS" -- \
	"no-agent" "" \
	"floor-empty-sys_enter" "$VIGIL floor seccomp" \
	"vigil-trace-seccomp" "$VIGIL trace seccomp --json"
