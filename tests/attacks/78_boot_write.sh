# technique: T1542 a file written under /boot
# rule: boot_partition_write
# file: /boot/vgt*
. "$(dirname "$0")/common.bash"
f=/boot/$VG_TAG
on_exit "rm -f $f"
echo x >"$f"
