# technique: T1548.001 a setuid-root program in /tmp run by nobody
# rule: privileged_exec_from_writable_dir
# exe: /tmp/vg-attacks-*/rootme
. "$(dirname "$0")/common.bash"
printf 'int main(void){return 0;}\n' >"$VG_TMP/r.c"
cc -o "$VG_TMP/rootme" "$VG_TMP/r.c"
chmod 4755 "$VG_TMP/rootme"
chmod 755 "$VG_TMP"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$VG_TMP/rootme"
