# technique: T1070.003 history replaced by a link to /dev/null
# rule: shell_history_tampering
# exe: /usr/bin/ln
# file: /home/vgt*/.bash_history
# evasion-of: 39_history_cleared
. "$(dirname "$0")/common.bash"
home=/home/$VG_TAG
on_exit "rm -rf '$home'"
mkdir -p "$home"
ln -sf /dev/null "$home/.bash_history"
