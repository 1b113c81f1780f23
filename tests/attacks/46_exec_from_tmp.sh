# technique: T1204.002 a program dropped in /tmp and run
# rule: exec_from_writable_dir
# exe: /tmp/vg-attacks-*/x
. "$(dirname "$0")/common.bash"
cp /usr/bin/true "$VG_TMP/x"
"$VG_TMP/x"
