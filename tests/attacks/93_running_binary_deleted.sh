# technique: T1070.004 the executable of a running process is deleted
# rule: running_executable_deleted
# exe: /usr/bin/rm
# file: /tmp/*/x
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/running_copy.bash"
rm "$VG_TMP/x"
