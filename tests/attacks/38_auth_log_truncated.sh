# technique: T1070.002 an audit log truncated
# rule: auth_log_cleared
# exe: /usr/bin/truncate
# file: /var/log/audit/vgt*.log
. "$(dirname "$0")/common.bash"
make_dirs /var/log/audit
f=/var/log/audit/$VG_TAG.log
on_exit "rm -f $f"
echo 'type=USER_LOGIN msg=...' >"$f"
truncate -s 0 "$f"
