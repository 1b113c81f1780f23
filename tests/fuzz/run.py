#!/usr/bin/env python3
"""Runs vigil's libFuzzer targets (build/fuzz/fuzz_*, made by `make fuzz-build`).

  run.py --replay            every seed and corpus input once (a regression check)
  run.py --seconds N         then each target for N seconds, all in parallel

Inputs: build/fuzz/seeds/<target>/ (generated: tests/fuzz/make_seeds.py) and
tests/fuzz/corpus/<target>/ (committed: inputs that once crashed, and what
fuzzing found worth keeping). New inputs go to build/fuzz/work/<target>/,
crashes to build/fuzz/crashes/. Prints one line per target (executions,
coverage, corpus, crashes) and exits 1 if any target crashed.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build", "fuzz")

# Inputs as large as the thing parsed allows, so that size bounds are reached.
MAX_LEN = {
    "fuzz_policy": 4 << 20,     # a policy file (the bound is 64 MiB; 4 MiB keeps runs fast)
    "fuzz_replay": 1 << 20,     # recorded JSON lines
    "fuzz_dns": 65535,          # a UDP datagram
    "fuzz_record": 3 * 32768,   # a few records of up to VG_MAX_RECORD_BYTES
    "fuzz_capture": 4 * 32768,  # a capture's header, processes and a few records
}
PER_INPUT_TIMEOUT_S = 10        # an input taking longer is a hang: reported as a crash
RSS_LIMIT_MB = 2048             # and so is an input needing more memory than this

DONE_RE = re.compile(r"#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/")


def targets():
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(BUILD, "fuzz_*"))
                  if os.access(p, os.X_OK))


def input_dirs(t):
    dirs = [os.path.join(BUILD, "seeds", t), os.path.join(ROOT, "tests", "fuzz", "corpus", t)]
    return [d for d in dirs if os.path.isdir(d)]


def command(t, seconds):
    work = os.path.join(BUILD, "work", t)
    crashes = os.path.join(BUILD, "crashes")
    os.makedirs(work, exist_ok=True)
    os.makedirs(crashes, exist_ok=True)
    cmd = [os.path.join(BUILD, t), "-max_len=%d" % MAX_LEN[t],
           "-timeout=%d" % PER_INPUT_TIMEOUT_S, "-rss_limit_mb=%d" % RSS_LIMIT_MB,
           "-artifact_prefix=%s/%s-" % (crashes, t), "-print_final_stats=1"]
    d = os.path.join(ROOT, "tests", "fuzz", t + ".dict")
    if os.path.exists(d):
        cmd.append("-dict=" + d)
    if seconds:
        cmd += ["-max_total_time=%d" % seconds, work]
    else:
        cmd += ["-runs=0"]
    return cmd + input_dirs(t)


def run(names, seconds):
    """Starts every target at once; returns {target: result dict}."""
    procs = {}
    for t in names:
        log = open(os.path.join(BUILD, "%s.%s.log" % (t, "fuzz" if seconds else "replay")), "w+")
        procs[t] = (subprocess.Popen(command(t, seconds), stdout=log, stderr=subprocess.STDOUT,
                                     cwd=BUILD), log)
    results = {}
    for t, (p, log) in procs.items():
        rc = p.wait()
        log.seek(0)
        text = log.read()
        log.close()
        m = DONE_RE.search(text)
        crashed = rc != 0 or "ERROR: libFuzzer" in text or "ERROR: AddressSanitizer" in text \
            or "runtime error:" in text
        results[t] = {
            "rc": rc, "crashed": crashed, "log": log.name,
            "execs": int(m.group(1)) if m else 0, "cov": int(m.group(2)) if m else 0,
            "ft": int(m.group(3)) if m else 0, "corpus": int(m.group(4)) if m else 0,
            "report": "\n".join(l for l in text.splitlines()
                                if re.search(r"ERROR|SUMMARY|runtime error|artifact|#\d+ 0x", l))[:4000],
        }
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=0)
    ap.add_argument("--replay", action="store_true")
    ap.add_argument("targets", nargs="*")
    a = ap.parse_args()
    names = a.targets or targets()
    if not names:
        sys.exit("no fuzz targets: run make fuzz-build")
    bad = False
    for label, secs in [("replay", 0)] + ([] if a.replay else [("fuzz", a.seconds or 300)]):
        for t, r in run(names, secs).items():
            print("%-7s %-12s execs %9d  cov %5d  ft %6d  corpus %5d  %s" %
                  (label, t, r["execs"], r["cov"], r["ft"], r["corpus"],
                   "CRASH (see %s)" % r["log"] if r["crashed"] else "ok"))
            if r["crashed"]:
                print(r["report"])
                bad = True
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
