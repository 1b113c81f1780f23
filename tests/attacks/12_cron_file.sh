# technique: T1053.003 a job in /etc/cron.d
# rule: cron_persistence
# exe: /usr/bin/bash
# file: /etc/cron.d/vgt*
. "$(dirname "$0")/common.bash"
f=/etc/cron.d/$VG_TAG
on_exit "rm -f $f"
echo "# * * * * * root /tmp/x" >"$f"
