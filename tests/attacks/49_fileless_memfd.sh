# technique: T1620 fileless execution from a memfd
# rule: fileless_execution
# exe: /memfd:*
. "$(dirname "$0")/common.bash"
run_from_memfd /usr/bin/true
