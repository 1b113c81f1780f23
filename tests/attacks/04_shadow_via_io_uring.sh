# technique: T1003.008 through an io_uring OPENAT instead of openat(2)
# rule: read_credentials
# exe: $VG_HELPERS/priv_helper
# evasion-of: 01_shadow_read
. "$(dirname "$0")/common.bash"
"$VG_HELPERS/priv_helper" uring /etc/shadow
