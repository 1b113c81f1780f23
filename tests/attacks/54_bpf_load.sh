# technique: T1014 a BPF program loaded by an unknown program
# rule: bpf_program_load
# exe: $VG_HELPERS/priv_helper
. "$(dirname "$0")/common.bash"
"$VG_HELPERS/priv_helper" bpf vg_atk </dev/null
