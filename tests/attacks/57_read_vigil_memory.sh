# technique: T1562.001 the vigil agent's memory read with process_vm_readv
# rule: vigil_traced
. "$(dirname "$0")/common.bash"
python3 - "$VG_AGENT_PID" <<'PY'
import ctypes, sys
pid = int(sys.argv[1])
with open("/proc/%d/maps" % pid) as m:
    start = int(m.readline().split("-")[0], 16)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
buf = ctypes.create_string_buffer(16)
libc = ctypes.CDLL(None, use_errno=True)
libc.process_vm_readv(pid, ctypes.byref(iovec(ctypes.addressof(buf), 16)), 1,
                      ctypes.byref(iovec(start, 16)), 1, 0)
PY
