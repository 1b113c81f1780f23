# technique: T1562.001 a signal sent to the vigil agent (SIGCONT: harmless)
# rule: vigil_self_signal
# exe: /usr/bin/bash
. "$(dirname "$0")/common.bash"
kill -CONT "$VG_AGENT_PID"
