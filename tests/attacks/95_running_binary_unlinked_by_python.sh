# technique: T1070.004 a running program's executable unlinked by a script
# rule: running_executable_deleted
# exe: *python3*
# file: /tmp/*/x
# evasion-of: 93_running_binary_deleted
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/running_copy.bash"
python3 -c 'import os, sys; os.unlink(sys.argv[1])' "$VG_TMP/x"
