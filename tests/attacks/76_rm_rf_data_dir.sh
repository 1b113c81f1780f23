# technique: T1485 rm -rf of a data directory under /srv
# rule: mass_deletion_of_data
# exe: /usr/bin/rm
. "$(dirname "$0")/common.bash"
d=/srv/$VG_TAG
on_exit "rm -rf '$d'"
mkdir -p "$d/data"
echo row >"$d/data/table"
rm -rf "$d"
