# technique: T1036.004 a process started as [kworker/0:1]
# rule: masquerading_kernel_thread
# exe: /usr/bin/sleep
. "$(dirname "$0")/common.bash"
(exec -a '[kworker/0:1]' sleep 0)
