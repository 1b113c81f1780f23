# workload: su - to another account and run a command
. "$(dirname "$0")/../attacks/common.bash"
su - nobody -s /bin/sh -c 'id >/dev/null; echo "$HOME" >/dev/null'
su -s /bin/bash nobody -c true
