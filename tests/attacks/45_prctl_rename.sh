# technique: T1036.004 a process renames itself to a kernel thread name
# rule: process_renamed_itself
# exe: $VG_HELPERS/priv_helper
. "$(dirname "$0")/common.bash"
"$VG_HELPERS/priv_helper" prctl 'kworker/1:2'
