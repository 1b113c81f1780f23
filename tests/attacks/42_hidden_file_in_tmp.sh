# technique: T1564.001 a hidden directory in /dev/shm with a payload inside
# rule: hidden_file_in_system_dir
# file: /dev/shm/.vgt*
. "$(dirname "$0")/common.bash"
d=/dev/shm/.$VG_TAG
on_exit "rm -rf '$d'"
mkdir "$d"
cp /usr/bin/true "$d/payload"
