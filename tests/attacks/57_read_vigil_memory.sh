# technique: T1562.001 the vigil agent's memory read with process_vm_readv
# rule: vigil_self_ptrace
. "$(dirname "$0")/common.bash"
read_memory "$VG_AGENT_PID" 16
