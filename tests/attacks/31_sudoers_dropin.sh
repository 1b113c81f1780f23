# technique: T1548.003 a sudoers drop-in (a comment only: sudo is unaffected)
# rule: sudoers_modified
# file: /etc/sudoers.d/vgt*
. "$(dirname "$0")/common.bash"
make_dirs /etc/sudoers.d
f=/etc/sudoers.d/$VG_TAG
on_exit "rm -f $f"
echo '# vigil test' >"$f"
