# technique: T1049 a script lists the host's connections
# rule: network_connections_enumerated
# exe: /usr/bin/ss
. "$(dirname "$0")/common.bash"
ss -tanp >/dev/null
