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
	local d=$1 todo=()
	while [ ! -e "$d" ]; do todo+=("$d"); d=$(dirname "$d"); done
	mkdir -p "$1"
	for d in "${todo[@]}"; do on_exit "rmdir '$d' 2>/dev/null"; done
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
