# technique: T1070.002 a log file removed
# rule: log_tampering
# exe: /usr/bin/rm
# file: /var/log/vgt*.log
. "$(dirname "$0")/common.bash"
f=/var/log/$VG_TAG.log
on_exit "rm -f $f"
echo 'line' >"$f"
rm "$f"
