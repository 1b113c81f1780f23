# technique: T1561.001 dd overwrites a block device (a loop device made for the test)
# rule: raw_device_overwrite
# exe: /usr/bin/dd
. "$(dirname "$0")/common.bash"
truncate -s 1M "$VG_TMP/disk.img"
dev=$(losetup -f --show "$VG_TMP/disk.img")
on_exit "losetup -d $dev"
dd if=/dev/zero of="$dev" bs=4k count=1 status=none
