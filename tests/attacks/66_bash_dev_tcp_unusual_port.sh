# technique: T1571 a shell opens a TCP connection to an unusual port
# rule: shell_connects_to_unusual_port
# exe: /usr/bin/bash
# peer: 127.0.0.1
. "$(dirname "$0")/common.bash"
serve_once 'x'
bash -c "exec 3<>/dev/tcp/127.0.0.1/$VG_PORT; cat <&3 >/dev/null"
