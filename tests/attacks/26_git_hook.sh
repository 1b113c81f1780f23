# technique: T1546 a git hook in a repository under /srv
# rule: git_hook_persistence
# file: /srv/vgt*/repo/.git/hooks/post-merge
. "$(dirname "$0")/common.bash"
d=/srv/$VG_TAG
on_exit "rm -rf '$d'"
mkdir -p "$d/repo/.git/hooks"
printf '#!/bin/sh\n' >"$d/repo/.git/hooks/post-merge"
