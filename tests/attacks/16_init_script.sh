# technique: T1037.004 an init script
# rule: init_script_persistence
# file: /etc/init.d/vgt*
. "$(dirname "$0")/common.bash"
f=/etc/init.d/$VG_TAG
on_exit "rm -f $f"
printf '#!/bin/sh\n' >"$f"
