# technique: T1562.003 HISTSIZE=0 exported, then a command run
# rule: history_disabled_in_environment
# exe: /usr/bin/true
# evasion-of: 87_histfile_dev_null_env
. "$(dirname "$0")/common.bash"
(
	export HISTSIZE=0
	/bin/true
)
