# technique: T1098.004 a key added to authorized_keys
# rule: ssh_authorized_keys_modified
# file: /home/vgt*/.ssh/authorized_keys
. "$(dirname "$0")/common.bash"
home=/home/$VG_TAG
on_exit "rm -rf '$home'"
mkdir -p "$home/.ssh"
echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIVIGILTEST vigil' >>"$home/.ssh/authorized_keys"
