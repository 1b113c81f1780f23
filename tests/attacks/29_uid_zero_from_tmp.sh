# technique: T1548.001 a setuid-root program in /tmp run by nobody calls setuid(0)
# rule: uid_zero_outside_login_tools
# exe: /tmp/vg-attacks-*/rootme
. "$(dirname "$0")/common.bash"
printf '#include <unistd.h>\nint main(void){return setuid(0) != 0;}\n' >"$VG_TMP/r.c"
cc -o "$VG_TMP/rootme" "$VG_TMP/r.c"
chmod 4755 "$VG_TMP/rootme"
chmod 755 "$VG_TMP"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$VG_TMP/rootme"
