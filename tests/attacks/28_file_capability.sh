# technique: T1548 file capabilities given to a copy of a program
# rule: file_capability_set
# exe: /usr/sbin/setcap
. "$(dirname "$0")/common.bash"
cp /usr/bin/true "$VG_TMP/x"
setcap cap_net_raw+ep "$VG_TMP/x"
