# technique: T1620 a program copied into a memfd and executed from it
# rule: exec_from_writable_dir
# exe: /memfd:*
# evasion-of: 46_exec_from_tmp
. "$(dirname "$0")/common.bash"
run_from_memfd /usr/bin/true
