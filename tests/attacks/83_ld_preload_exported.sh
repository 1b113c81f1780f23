# technique: T1574.006 LD_PRELOAD exported in a shell, then a program run from it
# rule: preload_from_writable_dir
# exe: /usr/bin/true
# evasion-of: 82_ld_preload_from_tmp_env
. "$(dirname "$0")/common.bash"
(
	export LD_PRELOAD=$VG_TMP/inject.so
	/bin/true
) 2>/dev/null
