# technique: T1574.006 a program started with an LD_AUDIT library
# rule: preload_in_environment
# exe: /usr/bin/true
. "$(dirname "$0")/common.bash"
LD_AUDIT=$VG_TMP/audit.so /bin/true 2>/dev/null
