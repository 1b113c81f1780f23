# technique: T1003.008 through another name: /proc/self/root/etc/shadow
# rule: read_credentials
# exe: /usr/bin/cat
# file: /etc/shadow
# evasion-of: 01_shadow_read
. "$(dirname "$0")/common.bash"
cat /proc/self/root/etc/shadow >/dev/null
