#!/bin/sh
# Install the Debian packages vigil needs, if any is missing.
#   scripts/deps.sh run    what building and running the agent needs (make run)
#   scripts/deps.sh test   that, plus what the tests need (make test)
#   scripts/deps.sh bench  run's, plus the workloads and peers make bench measures
# Idempotent and non-interactive.
set -eu

# Building and running: compilers, libbpf and the libraries the agent links.
RUN_PKGS="make clang llvm gcc pkg-config bpftool libbpf-dev libelf-dev zlib1g-dev \
libyaml-dev libjansson-dev libcurl4-openssl-dev libmicrohttpd-dev libseccomp-dev libssl-dev \
libsodium-dev"

# Tests only: the unit-test framework, test helpers' libraries, the servers the
# integration tests start on loopback, and the tools they drive. libclang-rt-dev
# is libFuzzer and the sanitizer runtimes (clang only recommends it). podman and
# busybox-static: a real container from an image built here; dpkg-dev and
# help2man: make deb and its man pages; man-db and systemd: systemd-analyze
# verify, which opens the unit's man: links (systemd is never run as PID 1);
# python3-yaml: the deploy/ manifests' check; runc: a real OCI runtime taking
# a profile vigil advise wrote. rsyslog: the syslog output's receiver (tests
# start their own rsyslogd on a loopback port; policy-rc.d keeps the package
# from starting the system one). nodejs/npm: the OTLP test receiver, which
# decodes with npm packages (tests/otlp).
TEST_PKGS="liburing-dev libcmocka-dev libcap-dev libcap2-bin python3 iproute2 \
util-linux procps prometheus libclang-rt-dev time python3-yaml podman busybox-static \
dpkg-dev help2man man-db systemd runc rsyslog rsyslog-openssl openssl netcat-openbsd socat logrotate"

# make bench only (bench/overhead.py): redis-server/redis-tools (redis-benchmark,
# the workload Falco's maintainers measure with; the bench starts its own
# server on a loopback port), the peers it compares with (libbpf-tools:
# opensnoop, execsnoop, tcplife; bpftrace), gnuplot-nox for the chart,
# coreutils' stdbuf. auditd only with BENCH_AUDIT=1: enabling audit leaves
# the kernel on its slower syscall path until reboot (the bench runs it
# last, and only when asked); its package must not start the system daemon.
BENCH_PKGS="python3 coreutils redis-server redis-tools libbpf-tools bpftrace gnuplot-nox"
if [ "${1:-test}" = bench ] && [ "${BENCH_AUDIT:-0}" = 1 ]; then
	BENCH_PKGS="$BENCH_PKGS auditd"
fi

case "${1:-test}" in
run) PKGS="$RUN_PKGS" ;;
test) PKGS="$RUN_PKGS $TEST_PKGS" ;;
bench) PKGS="$RUN_PKGS $BENCH_PKGS" ;;
*) echo "usage: scripts/deps.sh run|test|bench" >&2; exit 64 ;;
esac

# Node may come from elsewhere (with its own npm): only ask apt when there is none.
if [ "${1:-test}" = test ] && ! command -v npm >/dev/null 2>&1; then
	PKGS="$PKGS nodejs npm"
fi

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
# The OTLP receiver's npm packages (pinned in tests/otlp/package-lock.json).
otlp_modules() {
	[ "${1:-test}" = test ] || return 0
	[ -d tests/otlp/node_modules/@opentelemetry/otlp-grpc-exporter-base ] && return 0
	(cd tests/otlp && npm ci --no-audit --no-fund --silent) ||
		echo "vigil: npm ci in tests/otlp failed: the OTLP tests will be skipped" >&2
}

if [ -z "$missing" ]; then
	otlp_modules "${1:-test}"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "vigil: missing Debian packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "vigil: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# auditd's package must not start the system daemon: that would turn audit on.
norc=""
if [ ! -e /usr/sbin/policy-rc.d ] && case " $missing " in *" auditd "*) true ;; *) false ;; esac; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	norc=1
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
	[ -z "$norc" ] || rm -f /usr/sbin/policy-rc.d
	exit 1
}
[ -z "$norc" ] || rm -f /usr/sbin/policy-rc.d
otlp_modules "${1:-test}"
