#!/bin/sh
# Install the Debian packages vigil needs to build and test, if any is missing.
# Idempotent and non-interactive: `make deps` runs it before `make run` and `make test`.
set -eu

PKGS="make clang llvm gcc pkg-config bpftool libbpf-dev libelf-dev zlib1g-dev \
libyaml-dev libjansson-dev libcurl4-openssl-dev libmicrohttpd-dev libseccomp-dev liburing-dev \
libcmocka-dev libcap-dev libcap2-bin python3 iproute2 util-linux procps \
prometheus"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "vigil: missing Debian packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "vigil: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
