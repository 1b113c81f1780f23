# technique: T1003.007 read the memory of a running su (a login program)
# rule: login_process_dump
. "$(dirname "$0")/common.bash"
su -s /bin/sh nobody -c 'sleep 30' & sleeper=$!
on_exit "kill $sleeper"
sleep 0.3
python3 - "$sleeper" <<'PY'
import ctypes, sys
pid = int(sys.argv[1])
with open("/proc/%d/maps" % pid) as m:
    start = int(m.readline().split("-")[0], 16)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
buf = ctypes.create_string_buffer(64)
libc = ctypes.CDLL(None, use_errno=True)
n = libc.process_vm_readv(pid, ctypes.byref(iovec(ctypes.addressof(buf), 64)), 1,
                          ctypes.byref(iovec(start, 64)), 1, 0)
sys.exit(0 if n == 64 else 1)
PY
