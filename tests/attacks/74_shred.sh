# technique: T1485 a file wiped with shred
# rule: secure_deletion
# exe: /usr/bin/shred
. "$(dirname "$0")/common.bash"
echo data >"$VG_TMP/db"
shred -u "$VG_TMP/db"
