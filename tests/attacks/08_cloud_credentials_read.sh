# technique: T1552.001 read AWS and kube credentials
# rule: read_cloud_credentials
# exe: /usr/bin/cat
# file: /home/vgt*/.aws/credentials
. "$(dirname "$0")/common.bash"
home=/home/$VG_TAG
on_exit "rm -rf '$home'"
mkdir -p "$home/.aws"
printf '[default]\naws_access_key_id = AKIAEXAMPLE\n' >"$home/.aws/credentials"
cat "$home/.aws/credentials" >/dev/null
