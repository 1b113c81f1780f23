# technique: T1574.006 LD_PRELOAD of a library dropped in /tmp
# rule: library_from_writable_dir
# exe: /usr/bin/true
# file: /tmp/vg-attacks-*/hook.so
. "$(dirname "$0")/common.bash"
printf 'void vg_hook(void){}\n' >"$VG_TMP/hook.c"
cc -shared -fPIC -o "$VG_TMP/hook.so" "$VG_TMP/hook.c"
LD_PRELOAD="$VG_TMP/hook.so" /usr/bin/true
