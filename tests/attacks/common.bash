# Sourced by the attack and benign scenarios (tests/integration/scenarios.py
# runs them): strict mode, cleanup on exit, small loopback servers.
set -eu
CLEANUP=()
cleanup() {
	local i
	for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do eval "${CLEANUP[i]}" || true; done
}
trap cleanup EXIT
# on_exit CMD: run CMD when the scenario ends, last registered first.
on_exit() { CLEANUP+=("$1"); }

# A file written with mode 600 whose removal is registered.
scratch_file() { printf '%s\n' "${2:-vigil test}" >"$1"; on_exit "rm -f '$1'"; }

# mkdir -p DIR, registering removal of every directory it created.
make_dirs() {
	local d=$1 missing=()
	while [ ! -e "$d" ]; do missing+=("$d"); d=$(dirname "$d"); done
	mkdir -p "$1"
	for d in "${missing[@]}"; do on_exit "rmdir '$d' 2>/dev/null"; done
}

# serve_once CONTENT [http]: answer one TCP connection on VG_PORT with CONTENT
# (as an HTTP 200 response with "http"), in the background.
serve_once() {
	python3 - "$VG_PORT" "$1" "${2:-raw}" <<'PY' &
import socket, sys
body = sys.argv[2].encode()
if sys.argv[3] == "http":
    body = b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.settimeout(20)
c, _ = s.accept(); c.settimeout(2)
try:
    c.recv(65536)
except OSError:
    pass
c.sendall(body); c.close()
PY
	on_exit "kill $! 2>/dev/null"
	wait_port
}

# serve_http BODY: answer one HTTP request on VG_PORT with BODY.
serve_http() { serve_once "$1" http; }

# wait_port: until something listens on VG_PORT (a bind that fails says so).
wait_port() {
	python3 - "$VG_PORT" <<'PY'
import socket, sys, time
for _ in range(200):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(0)
    finally:
        s.close()
    time.sleep(0.05)
sys.exit(1)
PY
}

# read_memory PID [BYTES]: read the start of PID's first mapping with process_vm_readv.
read_memory() {
	python3 - "$1" "${2:-64}" <<'PY'
import ctypes, sys
pid, size = int(sys.argv[1]), int(sys.argv[2])
with open("/proc/%d/maps" % pid) as m:
    start = int(m.readline().split("-")[0], 16)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
buf = ctypes.create_string_buffer(size)
libc = ctypes.CDLL(None, use_errno=True)
n = libc.process_vm_readv(pid, ctypes.byref(iovec(ctypes.addressof(buf), size)), 1,
                          ctypes.byref(iovec(start, size)), 1, 0)
sys.exit(0 if n == size else 1)
PY
}

# run_from_memfd PROGRAM: copy PROGRAM into a memfd and run it from there (fileless).
run_from_memfd() {
	python3 - "$1" <<'PY'
import os, sys
fd = os.memfd_create("payload")
with open(sys.argv[1], "rb") as f:
    os.write(fd, f.read())
pid = os.fork()
if pid == 0:
    os.execv("/proc/self/fd/%d" % fd, ["payload"])
_, st = os.waitpid(pid, 0)
raise SystemExit(os.waitstatus_to_exitcode(st))
PY
}

# trace_sleeper: priv_helper attaches to a sleeping helper with ptrace, pokes a
# variable, detaches, then writes it with process_vm_writev.
trace_sleeper() {
	coproc SLEEPER { "$VG_HELPERS/priv_helper" sleeper; }
	local pid addr
	read -r pid addr <&"${SLEEPER[0]}"
	"$VG_HELPERS/priv_helper" ptrace "$pid" "$addr"
	exec {SLEEPER[1]}>&-
	wait
}

# serve_dir DIR: an HTTP server (python3 -m http.server) for the files of DIR on
# VG_PORT, loopback only, stopped when the scenario ends.
serve_dir() {
	python3 -m http.server "$VG_PORT" --bind 127.0.0.1 --directory "$1" >/dev/null 2>&1 &
	on_exit "kill $! 2>/dev/null"
	wait_port
}

# fetchable NAME: a copy of /usr/bin/true as $VG_TMP/www/NAME, for serve_dir.
fetchable() {
	mkdir -p "$VG_TMP/www"
	cp /usr/bin/true "$VG_TMP/www/$1"
}
