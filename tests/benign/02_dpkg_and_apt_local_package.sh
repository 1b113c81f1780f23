# workload: apt-get install, --reinstall and remove of a small local package
# whose maintainer scripts read /etc/shadow with perl, add a system user and
# ship a cron file and a systemd unit (what real packages do)
. "$(dirname "$0")/../attacks/common.bash"
pkg=$VG_TAG
root=$VG_TMP/pkg
mkdir -p "$root/DEBIAN" "$root/etc/cron.d" "$root/lib/systemd/system"
cat >"$root/DEBIAN/control" <<CTL
Package: $pkg
Version: 1.0
Architecture: all
Maintainer: vigil tests <tests@localhost>
Description: vigil benign workload package
CTL
cat >"$root/DEBIAN/postinst" <<POST
#!/bin/sh
set -e
perl -e 'open(my \$f, "<", "/etc/shadow") or die; my @l = <\$f>; close \$f'
getent passwd $pkg >/dev/null || useradd --system --no-create-home --shell /usr/sbin/nologin $pkg
POST
cat >"$root/DEBIAN/postrm" <<POST
#!/bin/sh
set -e
if [ "\$1" = purge ] || [ "\$1" = remove ]; then userdel $pkg 2>/dev/null || true; fi
POST
chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
echo "# 17 3 * * * root true" >"$root/etc/cron.d/$pkg"
printf '[Service]\nExecStart=/bin/true\n' >"$root/lib/systemd/system/$pkg.service"
dpkg-deb --build -Zgzip "$root" "$VG_TMP/$pkg.deb" >/dev/null
# Only if the package's own postrm did not (a clean run leaves nothing to undo).
on_exit "dpkg -s $pkg >/dev/null 2>&1 && dpkg --purge $pkg >/dev/null 2>&1; getent passwd $pkg >/dev/null && userdel $pkg; getent group $pkg >/dev/null && groupdel $pkg"
apt_get() {	# the dpkg lock may be held by another job for a while
	local i
	for i in $(seq 60); do
		apt-get -o DPkg::Lock::Timeout=60 -qq "$@" >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}
export DEBIAN_FRONTEND=noninteractive
apt_get install -y "$VG_TMP/$pkg.deb"
apt_get install -y --reinstall "$VG_TMP/$pkg.deb"
apt_get remove -y --purge "$pkg"
