#!/usr/bin/python3
# fathom lab: fx-fw's open ports: a TCP listener on each port named on the
# command line (IPv4 and IPv6), closing every connection at once.
#
# The scan types tell ports apart by how the kernel's TCP answers a probe
# (tools/lab.d/fw-states.tsv); a listening socket is all a port needs to be
# open, so nothing is read or written. Standard library only.
import selectors
import socket
import sys


def listener(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # One socket per port for both families.
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(128)
    s.setblocking(False)
    return s


def main(argv):
    if len(argv) < 2:
        print("usage: fwlisten.py PORT...", file=sys.stderr)
        return 2
    sel = selectors.DefaultSelector()
    for a in argv[1:]:
        sel.register(listener(int(a)), selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            try:
                conn, _ = key.fileobj.accept()
            except OSError:
                continue
            conn.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
