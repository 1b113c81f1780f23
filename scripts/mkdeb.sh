#!/bin/sh
# mkdeb.sh VERSION OUT.deb: the Debian package of build/vigil (make deb).
# Its Depends are the packages that own the libraries the binary links.
set -eu
version=$1
out=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"	# the package's "./": never make / private
arch=$(dpkg --print-architecture)

install -D -m 0755 "$here/build/vigil" "$root/usr/sbin/vigil"
# The default policy is built into the binary and loaded first; policy.d holds
# the local tuning on top of it (docs/policy.md), the defaults for reference.
install -D -m 0644 "$here/policy/local.yaml" "$root/etc/vigil/policy.d/local.yaml"
install -D -m 0644 "$here/policy/default.yaml" "$root/usr/share/doc/vigil/policy/default.yaml"
install -D -m 0644 "$here/policy/containers.yaml" "$root/usr/share/doc/vigil/policy/containers.yaml"
install -D -m 0644 "$here/deploy/vigil.yaml" "$root/etc/vigil/vigil.yaml"
install -D -m 0644 "$here/deploy/systemd/vigil.service" "$root/lib/systemd/system/vigil.service"
install -D -m 0644 "$here/deploy/bash-completion/vigil" \
	"$root/usr/share/bash-completion/completions/vigil"
install -D -m 0644 "$here/README.md" "$root/usr/share/doc/vigil/README.md"
sh "$here/scripts/mkman.sh" "$here/build/vigil" "$root/usr/share/man/man8"
gzip -9n "$root"/usr/share/man/man8/*.8

# Depends: the package of each shared library the binary names (DT_NEEDED).
libs=$(objdump -p "$here/build/vigil" | awk '$1 == "NEEDED" {print $2}')
depends=$(for lib in $libs; do
	path=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
	[ -n "$path" ] || continue
	dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null || true
done | cut -d: -f1 | sort -u | grep -v '^libc6$' | paste -sd, - | sed 's/,/, /g')

mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: vigil
Version: $version
Architecture: $arch
Maintainer: vigil developers <vigil@localhost>
Section: admin
Priority: optional
Depends: libc6${depends:+, $depends}
Installed-Size: $(du -sk "$root" | cut -f1)
Description: eBPF runtime security and observability agent
 vigil watches a Linux host from inside the kernel with eBPF (processes,
 files, network, privileges, containers), evaluates a policy of YAML rules
 and alerts, kills or denies. Runs as the systemd service vigil.service;
 vigil status, vigil reload and vigil policy show talk to it.
CONTROL
# Conffiles: upgrades keep local edits of the policy and the config.
printf '%s\n' /etc/vigil/policy.d/local.yaml /etc/vigil/vigil.yaml > "$root/DEBIAN/conffiles"
for s in preinst postinst prerm postrm; do
	install -m 0755 "$here/deploy/debian/$s" "$root/DEBIAN/$s"
done
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
