#!/bin/sh
# Install the Debian packages vigil needs, if any is missing.
#   scripts/deps.sh run    what building and running the agent needs (make run)
#   scripts/deps.sh test   that, plus what the tests and benchmarks need (make test)
# Idempotent and non-interactive.
set -eu

# Building and running: compilers, libbpf and the libraries the agent links.
RUN_PKGS="make clang llvm gcc pkg-config bpftool libbpf-dev libelf-dev zlib1g-dev \
libyaml-dev libjansson-dev libcurl4-openssl-dev libmicrohttpd-dev libseccomp-dev \
libsodium-dev"

# Tests only: the unit-test framework, test helpers' libraries, the servers the
# integration tests start on loopback, and the tools they drive. libclang-rt-dev
# is libFuzzer and the sanitizer runtimes (clang only recommends it).
TEST_PKGS="liburing-dev libcmocka-dev libcap-dev libcap2-bin python3 iproute2 \
util-linux procps prometheus libclang-rt-dev time"

case "${1:-test}" in
run) PKGS="$RUN_PKGS" ;;
test) PKGS="$RUN_PKGS $TEST_PKGS" ;;
*) echo "usage: scripts/deps.sh run|test" >&2; exit 64 ;;
esac

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
