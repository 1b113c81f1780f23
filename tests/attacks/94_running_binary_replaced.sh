# technique: T1070.004 another file moved over the executable of a running process
# rule: running_executable_deleted
# exe: /usr/bin/mv
# file: /tmp/*/x
# evasion-of: 93_running_binary_deleted
. "$(dirname "$0")/common.bash"
. "$(dirname "$0")/running_copy.bash"
echo other >"$VG_TMP/other"
mv -f "$VG_TMP/other" "$VG_TMP/x"
