# technique: T1548 setcap gives a copy of a program file capabilities (the xattr it writes)
# rule: file_capability_written
# exe: /usr/sbin/setcap
# file: /tmp/*/x
. "$(dirname "$0")/common.bash"
cp /usr/bin/true "$VG_TMP/x"
setcap cap_net_raw+ep "$VG_TMP/x"
