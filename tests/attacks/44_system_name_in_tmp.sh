# technique: T1036.005 a program named sshd run from /tmp
# rule: masquerading_system_name_in_writable_dir
# exe: /tmp/vg-attacks-*/sshd
. "$(dirname "$0")/common.bash"
cp /usr/bin/true "$VG_TMP/sshd"
"$VG_TMP/sshd"
