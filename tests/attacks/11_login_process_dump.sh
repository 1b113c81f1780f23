# technique: T1003.007 read the memory of a running su (a login program)
# rule: login_process_dump
. "$(dirname "$0")/common.bash"
su -s /bin/sh nobody -c 'sleep 30' & sleeper=$!
on_exit "kill $sleeper"
sleep 0.3
read_memory "$sleeper"
