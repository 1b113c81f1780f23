# technique: T1036.003 a program run through a link named after a system daemon
# rule: masquerading_name_mismatch
# exe: /usr/bin/sleep
. "$(dirname "$0")/common.bash"
ln -s /bin/sleep "$VG_TMP/sshd"
"$VG_TMP/sshd" 0
