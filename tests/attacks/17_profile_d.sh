# technique: T1546.004 a script in /etc/profile.d run by every login shell
# rule: system_shell_startup_modified
# file: /etc/profile.d/vgt*.sh
. "$(dirname "$0")/common.bash"
f=/etc/profile.d/$VG_TAG.sh
on_exit "rm -f $f"
echo ': vigil test' >"$f"
