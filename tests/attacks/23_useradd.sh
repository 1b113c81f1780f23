# technique: T1136.001 a local account is created (and deleted)
# rule: account_changed
# exe: /usr/sbin/useradd
. "$(dirname "$0")/common.bash"
on_exit "userdel -r $VG_TAG 2>/dev/null; groupdel $VG_TAG 2>/dev/null"
useradd -M -s /usr/sbin/nologin "$VG_TAG"
