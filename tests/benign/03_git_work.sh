# workload: everyday git: init, commit, branch, merge, log, gc
. "$(dirname "$0")/../attacks/common.bash"
cd "$VG_TMP"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@localhost GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@localhost
git init -q repo && cd repo
echo one >a.txt && git add a.txt && git commit -qm one
git checkout -qb topic && echo two >>a.txt && git commit -qam two
git checkout -q - && git merge -q topic
git log --oneline >/dev/null && git status --short >/dev/null && git gc -q
