#!/usr/bin/env python3
"""auditd_events.py LOG: an audit log (RAW format) as one line per event, in
the bpftrace monitor's format: "open PATH", "exec PATH", "connect PORT".
A syscall's records share one msg=audit(TIME:SERIAL) id: the SYSCALL record
says which call, its PATH item 0 the path, its SOCKADDR the peer."""
import re
import sys

REC = re.compile(r"type=(\w+) msg=audit\(([^)]*)\):(.*)")
KINDS = {"257": "open", "59": "exec", "42": "connect"}


def field(text, name):
    m = re.search(r"\b%s=(\"[^\"]*\"|\S+)" % name, text)
    return m.group(1) if m else None


def path_of(value):
    if value.startswith('"'):
        return value[1:-1]
    try:	# unusual characters: hex-encoded
        return bytes.fromhex(value).decode(errors="replace")
    except ValueError:
        return value


def main(path):
    calls = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = REC.match(line)
            if not m:
                continue
            rtype, rid, rest = m.groups()
            if rtype == "SYSCALL":
                calls[rid] = KINDS.get(field(rest, "syscall"))
            elif rtype == "PATH" and field(rest, "item") == "0" and calls.get(rid) in ("open", "exec"):
                print("%s %s" % (calls[rid], path_of(field(rest, "name") or '""')))
            elif rtype == "SOCKADDR" and calls.get(rid) == "connect":
                saddr = field(rest, "saddr") or ""
                if saddr[:4] in ("0200", "0A00") and len(saddr) >= 8:	# AF_INET, AF_INET6
                    print("connect %d" % int(saddr[4:8], 16))


if __name__ == "__main__":
    main(sys.argv[1])
