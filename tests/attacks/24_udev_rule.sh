# technique: T1546 a udev rule that runs a program
# rule: udev_rule_persistence
# file: /etc/udev/rules.d/99-vgt*.rules
. "$(dirname "$0")/common.bash"
make_dirs /etc/udev/rules.d
f=/etc/udev/rules.d/99-$VG_TAG.rules
on_exit "rm -f $f"
echo '# ACTION=="add", RUN+="/tmp/x"' >"$f"
