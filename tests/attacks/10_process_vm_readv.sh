# technique: T1003.007 read another process's memory with process_vm_readv
# rule: process_memory_read
. "$(dirname "$0")/common.bash"
sleep 30 & victim=$!
on_exit "kill $victim"
python3 - "$victim" <<'PY'
import ctypes, sys
pid = int(sys.argv[1])
with open("/proc/%d/maps" % pid) as m:
    start = int(m.readline().split("-")[0], 16)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
buf = ctypes.create_string_buffer(64)
local, remote = iovec(ctypes.addressof(buf), 64), iovec(start, 64)
libc = ctypes.CDLL(None, use_errno=True)
n = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
sys.exit(0 if n == 64 else 1)
PY
