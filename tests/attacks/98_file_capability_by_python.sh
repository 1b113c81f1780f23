# technique: T1548 file capabilities written with os.setxattr, no setcap involved
# rule: file_capability_written
# exe: *python3*
# file: /tmp/*/x
# evasion-of: 97_file_capability_xattr
. "$(dirname "$0")/common.bash"
cp /usr/bin/true "$VG_TMP/x"
python3 - "$VG_TMP/x" <<'PY'
import os, struct, sys
# vfs_cap_data revision 2, effective: CAP_SYS_ADMIN permitted
os.setxattr(sys.argv[1], "security.capability", struct.pack("<IIIII", 0x02000001, 1 << 21, 0, 0, 0))
PY
