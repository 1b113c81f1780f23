# technique: T1083 search for setuid programs
# rule: setuid_files_enumerated
# exe: /usr/bin/find
. "$(dirname "$0")/common.bash"
find /usr/bin -perm -4000 -type f >/dev/null
