# workload: logrotate rotates, compresses and truncates an application log
. "$(dirname "$0")/../attacks/common.bash"
log=/var/log/$VG_TAG.log
on_exit "rm -f $log $log.*"
seq 1000 >"$log"
cat >"$VG_TMP/rotate.conf" <<CONF
$log {
    rotate 2
    copytruncate
    compress
    missingok
}
CONF
logrotate -f -s "$VG_TMP/state" "$VG_TMP/rotate.conf"
seq 10 >>"$log"
logrotate -f -s "$VG_TMP/state" "$VG_TMP/rotate.conf"
