# technique: T1046 a port scan hidden among many connects to one open port (each scanned port hit 3 times)
# rule: port_scan
# exe: */python3*
# peer: 127.0.0.1
# evasion-of: 80_port_scan
. "$(dirname "$0")/common.bash"
python3 - <<'PY'
import socket
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(64)
open_port = l.getsockname()[1]
for rnd in range(3):
    for port in range(40200, 40220):
        for _ in range(30):
            c = socket.create_connection(("127.0.0.1", open_port)); a, _ = l.accept()
            a.close(); c.close()
        s = socket.socket(); s.settimeout(0.2)
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            pass
        s.close()
l.close()
PY
