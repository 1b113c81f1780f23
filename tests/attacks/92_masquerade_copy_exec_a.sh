# technique: T1036.005 a copied program run from /tmp under another argv[0]
# rule: masquerading_name_mismatch
# exe: /tmp/*/x
# evasion-of: 90_masquerade_symlink_name
. "$(dirname "$0")/common.bash"
cp /bin/sleep "$VG_TMP/x"
bash -c 'exec -a cron "$0" 0' "$VG_TMP/x"
