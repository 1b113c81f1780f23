# technique: T1059.006 perl spawns an interactive shell
# rule: interpreter_spawned_interactive_shell
# exe: /usr/bin/dash
. "$(dirname "$0")/common.bash"
perl -e 'system("/bin/sh", "-i")' </dev/null 2>/dev/null
