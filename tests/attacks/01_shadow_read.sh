# technique: T1003.008 dump the password hashes
# rule: read_credentials
# exe: /usr/bin/cat
# file: /etc/shadow
. "$(dirname "$0")/common.bash"
cat /etc/shadow >/dev/null
