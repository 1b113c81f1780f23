# technique: T1003.008 dump the group password hashes
# rule: read_credentials
# exe: /usr/bin/head
# file: /etc/gshadow
. "$(dirname "$0")/common.bash"
head -c 64 /etc/gshadow >/dev/null
