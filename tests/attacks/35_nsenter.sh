# technique: T1611 enter another process's mount namespace with nsenter
# rule: namespace_entered
# exe: /usr/bin/nsenter
. "$(dirname "$0")/common.bash"
unshare -m sleep 30 & other=$!
on_exit "kill $other"
for _ in $(seq 50); do
	[ "$(readlink /proc/$other/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break
	sleep 0.05
done
nsenter -t "$other" -m true
