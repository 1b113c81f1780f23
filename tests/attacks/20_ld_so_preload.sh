# technique: T1574.006 /etc/ld.so.preload opened for writing (nothing is written)
# rule: ld_preload_file_modified
# exe: /usr/bin/bash
# file: /etc/ld.so.preload
. "$(dirname "$0")/common.bash"
if [ ! -e /etc/ld.so.preload ]; then on_exit "rm -f /etc/ld.so.preload"; fi
: >>/etc/ld.so.preload
