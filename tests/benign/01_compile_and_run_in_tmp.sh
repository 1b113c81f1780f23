# workload: compile a C program under /tmp with cc and run it
. "$(dirname "$0")/../attacks/common.bash"
cd "$VG_TMP"
printf '#include <stdio.h>\nint main(void){puts("hello");return 0;}\n' >hello.c
cc -O2 -o hello hello.c
./hello >/dev/null
"$VG_TMP/hello" >/dev/null
make -s -f /dev/null >/dev/null 2>&1 || true
