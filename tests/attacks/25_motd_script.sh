# technique: T1037 a MOTD script run at every SSH login
# rule: motd_script_persistence
# file: /etc/update-motd.d/99-vgt*
. "$(dirname "$0")/common.bash"
make_dirs /etc/update-motd.d
f=/etc/update-motd.d/99-$VG_TAG
on_exit "rm -f $f"
printf '#!/bin/sh\n' >"$f"
