"""Workloads for test_net.py, each run as its own process so that events can
be attributed by pid. Prints one line "ready PORT" when it listens.

  tcp-server HOST NRECV NSEND      accept one connection, read NRECV, send NSEND
  tcp-client HOST PORT NSEND NRECV send NSEND, read NRECV, close
  udp-server HOST COUNT REPLY      answer COUNT datagrams with REPLY bytes each
  udp-client HOST PORT COUNT SIZE  send COUNT datagrams of SIZE, read each reply
  dns-server HOST NAME ADDR        answer A queries for NAME with ADDR
  dns-query SERVER NAME [PORT]     ask SERVER:53 for NAME (A), print the answer;
                                   connect to it on PORT if given
  dns-tcp-server HOST NAME ADDR    the same over TCP/53 (one connection)
  dns-tcp-query SERVER NAME        ask SERVER over TCP/53
  connect HOST PORT                connect; print "ok" or the errno name
  udp-send HOST PORT               sendto one datagram; print "ok" or the errno name
"""
import errno
import socket
import struct
import sys


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def recv_exact(s, n):
    got = 0
    while got < n:
        d = s.recv(min(65536, n - got))
        if not d:
            break
        got += len(d)
    return got


def dns_name(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def main(argv):
    mode = argv[1]
    if mode == "tcp-server":
        host, nrecv, nsend = argv[2], int(argv[3]), int(argv[4])
        srv = socket.socket(family(host), socket.SOCK_STREAM)
        srv.bind((host, 0))
        srv.listen(1)
        print("ready", srv.getsockname()[1], flush=True)
        c, _ = srv.accept()
        assert recv_exact(c, nrecv) == nrecv
        c.sendall(b"s" * nsend)
        c.recv(1)  # wait for the client's close
        c.close()
        srv.close()
    elif mode == "tcp-client":
        host, port, nsend, nrecv = argv[2], int(argv[3]), int(argv[4]), int(argv[5])
        c = socket.create_connection((host, port))
        c.sendall(b"c" * nsend)
        assert recv_exact(c, nrecv) == nrecv
        c.close()
    elif mode == "udp-server":
        host, count, reply = argv[2], int(argv[3]), int(argv[4])
        s = socket.socket(family(host), socket.SOCK_DGRAM)
        s.bind((host, 0))
        print("ready", s.getsockname()[1], flush=True)
        for _ in range(count):
            _, peer = s.recvfrom(65536)
            s.sendto(b"r" * reply, peer)
    elif mode == "udp-client":
        host, port, count, size = argv[2], int(argv[3]), int(argv[4]), int(argv[5])
        s = socket.socket(family(host), socket.SOCK_DGRAM)
        for _ in range(count):
            s.sendto(b"q" * size, (host, port))
            s.recvfrom(65536)
    elif mode == "dns-server":
        host, name, addr = argv[2], argv[3], argv[4]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((host, 53))
        print("ready", 53, flush=True)
        q, peer = s.recvfrom(512)
        qname_end = q.index(b"\x00", 12) + 1
        question = q[12:qname_end + 4]
        assert question[:-4] == dns_name(name)
        ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 300, 4) + socket.inet_aton(addr)
        s.sendto(q[:2] + b"\x81\x80" + struct.pack(">HHHH", 1, 1, 0, 0) + question + ans,
                 peer)
    elif mode == "dns-query":
        server, name = argv[2], argv[3]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        q = b"\xbe\xef\x01\x00" + struct.pack(">HHHH", 1, 0, 0, 0) + dns_name(name) + \
            struct.pack(">HH", 1, 1)
        s.sendto(q, (server, 53))
        r, _ = s.recvfrom(512)
        addr = socket.inet_ntoa(r[-4:])
        print(addr, flush=True)
        if len(argv) > 4:
            c = socket.create_connection((addr, int(argv[4])))
            c.close()
    elif mode == "dns-tcp-server":
        host, name, addr = argv[2], argv[3], argv[4]
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind((host, 53))
        srv.listen(1)
        print("ready", 53, flush=True)
        c, _ = srv.accept()
        q = c.recv(514)[2:]
        qname_end = q.index(b"\x00", 12) + 1
        question = q[12:qname_end + 4]
        assert question[:-4] == dns_name(name)
        ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 300, 4) + socket.inet_aton(addr)
        r = q[:2] + b"\x81\x80" + struct.pack(">HHHH", 1, 1, 0, 0) + question + ans
        c.sendall(struct.pack(">H", len(r)) + r)
        c.recv(1)
        c.close()
    elif mode == "dns-tcp-query":
        server, name = argv[2], argv[3]
        c = socket.create_connection((server, 53))
        q = b"\xca\xfe\x01\x00" + struct.pack(">HHHH", 1, 0, 0, 0) + dns_name(name) + \
            struct.pack(">HH", 1, 1)
        c.sendall(struct.pack(">H", len(q)) + q)
        r = c.recv(514)
        print(socket.inet_ntoa(r[-4:]), flush=True)
        c.close()
    elif mode == "connect":
        c = socket.socket(family(argv[2]), socket.SOCK_STREAM)
        if len(argv) > 4:  # SYN retries: a peer that never answers times out sooner
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, int(argv[4]))
        try:
            c.connect((argv[2], int(argv[3])))
            print("ok", flush=True)
        except OSError as e:
            print(errno.errorcode.get(e.errno, str(e.errno)), flush=True)
    elif mode == "udp-send":
        s = socket.socket(family(argv[2]), socket.SOCK_DGRAM)
        try:
            s.sendto(b"x", (argv[2], int(argv[3])))
            print("ok", flush=True)
        except OSError as e:
            print(errno.errorcode.get(e.errno, str(e.errno)), flush=True)
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv)
