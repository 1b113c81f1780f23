# technique: T1574.006 a program started with LD_PRELOAD naming a library in /tmp
# rule: preload_from_writable_dir
# exe: /usr/bin/true
. "$(dirname "$0")/common.bash"
LD_PRELOAD=$VG_TMP/inject.so /bin/true 2>/dev/null
