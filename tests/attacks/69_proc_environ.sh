# technique: T1552.007 another process's environment read through /proc
# rule: process_environment_read
# file: /proc/*/environ
. "$(dirname "$0")/common.bash"
sleep 30 & victim=$!
on_exit "kill $victim"
cat "/proc/$victim/environ" >/dev/null
