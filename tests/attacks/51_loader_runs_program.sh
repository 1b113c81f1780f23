# technique: T1218 a program started by running the dynamic loader directly
# rule: loader_runs_program
# exe: */ld-linux-*
. "$(dirname "$0")/common.bash"
/lib64/ld-linux-x86-64.so.2 /usr/bin/true
