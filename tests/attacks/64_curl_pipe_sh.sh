# technique: T1105 curl ... | sh
# rule: download_piped_to_shell
# exe: /usr/bin/dash
. "$(dirname "$0")/common.bash"
serve_http 'echo vigil test'
sh -c "curl -s http://127.0.0.1:$VG_PORT/install.sh | sh" >/dev/null
