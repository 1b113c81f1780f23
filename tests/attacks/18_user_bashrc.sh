# technique: T1546.004 a line appended to a user's .bashrc
# rule: user_shell_startup_modified
# file: /home/vgt*/.bashrc
. "$(dirname "$0")/common.bash"
home=/home/$VG_TAG
on_exit "rm -rf '$home'"
mkdir -p "$home"
echo '# vigil test' >>"$home/.bashrc"
