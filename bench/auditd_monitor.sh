#!/bin/sh
# The auditd monitor of bench/overhead.py (BENCH_AUDIT=1 only): an auditd of
# its own (foreground, its own config and log in DIR) with one rule for what
# the other monitors watch (openat, execve, connect). Prints "ready" once the
# rule is in; on SIGINT/SIGTERM takes the rule out, turns audit off, stops the
# daemon, prints one line per event of the log as bpftrace's monitor prints
# them (what the harness counts: auditd_events.py) and "lost N" (the kernel's
# count of records it could not queue) on stderr.
# usage: auditd_monitor.sh DIR
set -u
dir=$1
mkdir -p "$dir"
cat > "$dir/auditd.conf" <<EOF
log_file = $dir/audit.log
log_format = RAW
flush = NONE
freq = 0
max_log_file = 0
max_log_file_action = ignore
space_left = 1
space_left_action = ignore
admin_space_left = 1
admin_space_left_action = ignore
disk_full_action = ignore
disk_error_action = ignore
EOF
chmod 600 "$dir/auditd.conf"

stop() {
	auditctl -D >/dev/null 2>&1
	lost=$(auditctl -s 2>/dev/null | sed -n 's/^lost \([0-9]*\)$/\1/p')
	auditctl -e 0 >/dev/null 2>&1
	kill -TERM "$daemon" 2>/dev/null
	wait "$daemon" 2>/dev/null
	python3 "$(dirname "$0")/auditd_events.py" "$dir/audit.log"
	echo "auditd: lost ${lost:-0}" >&2
	exit 0
}
trap stop INT TERM

auditd -f -n -c "$dir" >"$dir/auditd.out" 2>&1 &
daemon=$!
# The daemon registers itself with the kernel; rules wait for that.
i=0
until auditctl -s 2>/dev/null | grep -q "^pid $daemon$"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$daemon" 2>/dev/null; then
		cat "$dir/auditd.out" >&2
		echo "auditd did not start" >&2
		exit 1
	fi
	sleep 0.1
done
auditctl -b 8192 >/dev/null
auditctl -a always,exit -F arch=b64 -S openat -S execve -S connect -k vgbench >/dev/null || exit 1
auditctl -e 1 >/dev/null
echo ready
while :; do
	sleep 1 &
	wait $!
done
