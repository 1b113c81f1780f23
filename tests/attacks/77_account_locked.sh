# technique: T1531 an account locked with usermod -L (a user made for the test)
# rule: account_locked_or_expired
# exe: /usr/sbin/usermod
. "$(dirname "$0")/common.bash"
on_exit "userdel -r $VG_TAG 2>/dev/null; groupdel $VG_TAG 2>/dev/null"
useradd -M -s /usr/sbin/nologin "$VG_TAG"
usermod -L "$VG_TAG"
