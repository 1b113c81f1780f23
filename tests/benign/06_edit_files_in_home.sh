# workload: create and edit files in a home directory (sed -i, cp, mv, rm)
. "$(dirname "$0")/../attacks/common.bash"
home=/home/$VG_TAG
on_exit "rm -rf '$home'"
mkdir -p "$home/project/src"
printf 'line one\nline two\n' >"$home/notes.txt"
sed -i 's/two/2/' "$home/notes.txt"
cp "$home/notes.txt" "$home/project/notes.bak"
mv "$home/project/notes.bak" "$home/project/src/notes.old"
printf 'int x;\n' >"$home/project/src/x.c"
rm -rf "$home/project/src"
