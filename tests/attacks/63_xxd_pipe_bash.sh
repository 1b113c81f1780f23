# technique: T1140 the same with xxd -r into bash
# rule: decoded_payload_executed
# exe: /usr/bin/bash
# evasion-of: 62_base64_pipe_sh
. "$(dirname "$0")/common.bash"
sh -c 'echo 6563686f20766967696c0a | xxd -r -p | bash' >/dev/null
