# technique: T1140 a base64 payload decoded into sh
# rule: decoded_payload_executed
# exe: /usr/bin/dash
. "$(dirname "$0")/common.bash"
sh -c 'echo ZWNobyB2aWdpbCB0ZXN0Cg== | base64 -d | sh' >/dev/null
