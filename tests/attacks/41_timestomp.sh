# technique: T1070.006 a dropped program given the timestamps of /usr/bin/ls
# rule: timestomp
# exe: /usr/bin/touch
# file: /usr/local/bin/vgt*
. "$(dirname "$0")/common.bash"
f=/usr/local/bin/$VG_TAG
scratch_file "$f"
touch -r /usr/bin/ls "$f"
