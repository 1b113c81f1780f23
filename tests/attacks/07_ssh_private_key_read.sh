# technique: T1552.004 steal a user's SSH private key
# rule: read_ssh_private_key
# exe: /usr/bin/cp
# file: /home/vgt*/.ssh/id_ed25519
. "$(dirname "$0")/common.bash"
home=/home/$VG_TAG
on_exit "rm -rf '$home'"
mkdir -p "$home/.ssh"
printf 'not a real key\n' >"$home/.ssh/id_ed25519"
cp "$home/.ssh/id_ed25519" "$VG_TMP/loot"
