# technique: T1036.003 exec -a gives a program a daemon's argv[0]
# rule: masquerading_name_mismatch
# exe: /usr/bin/sleep
# evasion-of: 90_masquerade_symlink_name
. "$(dirname "$0")/common.bash"
bash -c 'exec -a sshd /bin/sleep 0'
