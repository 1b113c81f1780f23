# technique: T1548 a process drops CAP_SYS_ADMIN from its effective set, then raises it back with capset
# rule: capability_raised
# exe: *python3*
. "$(dirname "$0")/common.bash"
python3 - <<'PY'
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
class Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]
class Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]
hdr, data = Header(0x20080522, 0), (Data * 2)()
if libc.capget(ctypes.byref(hdr), data) != 0:
    raise SystemExit("capget failed")
CAP_SYS_ADMIN = 1 << 21
data[0].effective &= ~CAP_SYS_ADMIN
for step in ("drop", "raise"):
    if libc.capset(ctypes.byref(hdr), data) != 0:
        raise SystemExit("capset %s failed" % step)
    data[0].effective |= CAP_SYS_ADMIN
PY
