# technique: T1548.001 a setuid copy of a program
# rule: setuid_bit_set
# exe: /usr/bin/chmod
# file: /tmp/vg-attacks-*/x
. "$(dirname "$0")/common.bash"
cp /usr/bin/true "$VG_TMP/x"
chmod u+s "$VG_TMP/x"
