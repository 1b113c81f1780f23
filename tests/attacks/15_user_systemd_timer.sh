# technique: T1053.006 a user systemd timer in a home directory
# rule: user_systemd_unit_persistence
# file: /home/vgt*/.config/systemd/user/x.timer
. "$(dirname "$0")/common.bash"
home=/home/$VG_TAG
on_exit "rm -rf '$home'"
mkdir -p "$home/.config/systemd/user"
printf '[Timer]\nOnBootSec=1\n' >"$home/.config/systemd/user/x.timer"
