# technique: T1014 the same load by a process that named itself "vigil"
# rule: bpf_program_load
# exe: $VG_HELPERS/priv_helper
# evasion-of: 54_bpf_load
. "$(dirname "$0")/common.bash"
python3 - "$VG_HELPERS/priv_helper" <<'PY'
import ctypes, os, sys
ctypes.CDLL(None).prctl(15, b"vigil", 0, 0, 0)
os.execv(sys.argv[1], ["vigil", "bpf", "vg_atk"])
PY
