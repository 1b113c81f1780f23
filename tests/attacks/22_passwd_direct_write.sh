# technique: T1136.001 /etc/passwd opened for writing by a shell (nothing is written)
# rule: account_database_modified
# exe: /usr/bin/bash
# file: /etc/passwd
. "$(dirname "$0")/common.bash"
: >>/etc/passwd
