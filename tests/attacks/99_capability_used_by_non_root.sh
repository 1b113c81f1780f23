# technique: T1548 a non-root user runs a program carrying CAP_SYS_ADMIN and uses it
# rule: capability_used_by_non_root
# exe: /tmp/*/u
. "$(dirname "$0")/common.bash"
chmod 755 "$VG_TMP"
cp /usr/bin/unshare "$VG_TMP/u"
setcap cap_sys_admin+ep "$VG_TMP/u"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$VG_TMP/u" -m true
