# technique: T1556.003 a PAM configuration file
# rule: pam_modified
# file: /etc/pam.d/vgt*
. "$(dirname "$0")/common.bash"
f=/etc/pam.d/$VG_TAG
on_exit "rm -f $f"
echo '# auth sufficient pam_permit.so' >"$f"
