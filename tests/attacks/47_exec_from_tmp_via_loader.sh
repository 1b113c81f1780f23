# technique: T1204.002 the same program started through the dynamic loader
# rule: exec_from_writable_dir
# exe: */ld-linux-*
# evasion-of: 46_exec_from_tmp
. "$(dirname "$0")/common.bash"
cp /usr/bin/true "$VG_TMP/x"
/lib64/ld-linux-x86-64.so.2 "$VG_TMP/x"
cd "$VG_TMP" && /lib64/ld-linux-x86-64.so.2 ./x
