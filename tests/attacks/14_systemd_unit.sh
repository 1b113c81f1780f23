# technique: T1543.002 a systemd service
# rule: systemd_unit_persistence
# file: /etc/systemd/system/vgt*.service
. "$(dirname "$0")/common.bash"
f=/etc/systemd/system/$VG_TAG.service
on_exit "rm -f $f"
printf '[Service]\nExecStart=/tmp/x\n' >"$f"
