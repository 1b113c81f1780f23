# technique: T1003.008 through a hard link made in /tmp
# rule: read_credentials
# evasion-of: 01_shadow_read
# exe: /usr/bin/cat
# file: /etc/shadow
. "$(dirname "$0")/common.bash"
ln /etc/shadow "$VG_TMP/s"
cat "$VG_TMP/s" >/dev/null
rm -f "$VG_TMP/s"
