# technique: T1611 new namespaces with unshare
# rule: namespace_created
# exe: /usr/bin/unshare
. "$(dirname "$0")/common.bash"
unshare -m -u true
