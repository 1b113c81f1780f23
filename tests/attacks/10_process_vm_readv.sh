# technique: T1003.007 read another process's memory with process_vm_readv
# rule: process_memory_read
. "$(dirname "$0")/common.bash"
sleep 30 & victim=$!
on_exit "kill $victim"
read_memory "$victim"
