# workload: the reads an admin does over ssh: accounts, processes, sockets, logs, keys
. "$(dirname "$0")/../attacks/common.bash"
getent passwd root >/dev/null
id >/dev/null
cat /etc/passwd /etc/group /etc/hostname >/dev/null
ps aux >/dev/null
top -bn1 >/dev/null 2>&1 || true
ss -tlnp >/dev/null
df -h >/dev/null
free -m >/dev/null
uptime >/dev/null
ls -la /etc/cron.d /etc/systemd/system >/dev/null 2>&1 || true
tail -n 20 /var/log/dpkg.log >/dev/null 2>&1 || true
ssh-keygen -q -t ed25519 -N '' -f "$VG_TMP/id_ed25519"
ssh-keygen -l -f "$VG_TMP/id_ed25519" >/dev/null
ssh-keygen -y -f "$VG_TMP/id_ed25519" >/dev/null
