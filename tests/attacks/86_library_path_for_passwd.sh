# technique: T1574.006 an account program started with LD_LIBRARY_PATH pointing at /tmp
# rule: library_path_for_privileged_program
# exe: /usr/bin/passwd
. "$(dirname "$0")/common.bash"
LD_LIBRARY_PATH=$VG_TMP /usr/bin/passwd -S root >/dev/null
