#!/usr/bin/env python3
"""svfields.py -- the -sV answer of every open TCP port in an nmap-format XML file.

    svfields.py FILE.xml

One line per open port, by port: "PORT<TAB>[ssl/]SERVICE<TAB>PRODUCT<TAB>VERSION"
(what test_vchains.sh and tools/bench sv-host compare between runs and with
nmap; extrainfo is left out: it carries uptimes and certificate names that
change between runs). Reads fathom's -oX and nmap's alike.
"""
import sys
import xml.etree.ElementTree as ET


def rows(path):
    out = []
    for port in ET.parse(path).getroot().iter("port"):
        state = port.find("state")
        if port.get("protocol") != "tcp" or state is None or state.get("state") != "open":
            continue
        svc = port.find("service")
        name = prod = ver = ""
        if svc is not None:
            name = ("ssl/" if svc.get("tunnel") == "ssl" else "") + svc.get("name", "")
            prod, ver = svc.get("product", ""), svc.get("version", "")
        out.append((int(port.get("portid")), name, prod, ver))
    return sorted(out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    try:
        for r in rows(sys.argv[1]):
            print("%d\t%s\t%s\t%s" % r)
    except (OSError, ET.ParseError) as e:
        sys.exit("svfields.py: %s: %s" % (sys.argv[1], e))


if __name__ == "__main__":
    main()
