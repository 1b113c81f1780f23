# technique: T1053.003 a cron job written in /tmp, then rename(2)d into /etc/cron.d
# rule: cron_persistence
# exe: /usr/bin/mv
# file: /etc/cron.d/vgt*
# evasion-of: 12_cron_file
. "$(dirname "$0")/common.bash"
f=/etc/cron.d/$VG_TAG
on_exit "rm -f $f"
echo "# * * * * * root /tmp/x" >"$VG_TMP/job"
mv "$VG_TMP/job" "$f"
