# technique: T1003.008 through a hard link made at a name just read while unwatched
# rule: read_credentials
# evasion-of: 01_shadow_read
# exe: /usr/bin/cat
# file: /etc/shadow
# The first reads leave a cached rejection for that name (the kernel keeps
# its dentry); the same name then holding /etc/shadow must not inherit it.
. "$(dirname "$0")/common.bash"
scratch_file "$VG_TMP/s"
cat "$VG_TMP/s" >/dev/null
cat "$VG_TMP/s" >/dev/null
rm -f "$VG_TMP/s"
ln /etc/shadow "$VG_TMP/s"
cat "$VG_TMP/s" >/dev/null
rm -f "$VG_TMP/s"
