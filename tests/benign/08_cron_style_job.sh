# workload: a daily job directory run with run-parts, as cron runs /etc/cron.daily
. "$(dirname "$0")/../attacks/common.bash"
mkdir "$VG_TMP/daily"
printf '#!/bin/sh\nfind %s -maxdepth 1 -mtime +30 -delete\ndf -h >/dev/null\n' "$VG_TMP" >"$VG_TMP/daily/cleanup"
chmod 755 "$VG_TMP/daily/cleanup"
run-parts "$VG_TMP/daily"
