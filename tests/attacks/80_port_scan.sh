# technique: T1046 one process connects to 25 loopback ports in a second
# rule: port_scan
# exe: */python3*
# peer: 127.0.0.1
. "$(dirname "$0")/common.bash"
python3 - <<'PY'
import socket
for port in range(40100, 40125):
    s = socket.socket()
    s.settimeout(0.2)
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        pass
    s.close()
PY
