# technique: T1574.006 env LD_PRELOAD=... on a command line
# rule: preload_on_command_line
# exe: /usr/bin/env
. "$(dirname "$0")/common.bash"
env LD_PRELOAD=/nonexistent/vg.so /usr/bin/true 2>/dev/null
