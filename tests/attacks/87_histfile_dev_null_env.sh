# technique: T1562.003 a shell started with HISTFILE=/dev/null
# rule: history_disabled_in_environment
# exe: /usr/bin/bash
. "$(dirname "$0")/common.bash"
HISTFILE=/dev/null bash -c true
