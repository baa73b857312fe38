#!/usr/bin/env python3
"""Writes a large fixture document for scripts/bench: N users, each with a
userPrincipalName, a displayName and (unless --no-sessions) one application
session set by the same app, so the mock's memory and load time can be
measured at enterprise scale.

  tests/bench/gen_fixture.py USERS OUT.json [--no-sessions]

User i (0-based) has the id f"{i:08x}-0000-4000-8000-{i:012x}"; the first
user is also the document's `me`. Deterministic: the same arguments write
the same bytes."""
import sys

APP = "22553876-f5ab-4529-bffb-cfe50aa89f87"


def user_id(i):
    return "%08x-0000-4000-8000-%012x" % (i, i)


def main(argv):
    if len(argv) < 3 or not argv[1].isdigit():
        sys.stderr.write(__doc__)
        return 2
    n = int(argv[1])
    sessions = "--no-sessions" not in argv[3:]
    session = (',"sessions":[{"sessionId":"%s","availability":"Available",'
               '"activity":"Available","expirationDuration":"PT4H"}]' % APP
               if sessions else "")
    with open(argv[2], "w", encoding="ascii") as out:
        out.write('{"me":"%s","users":[\n' % user_id(0))
        chunk = []
        for i in range(n):
            chunk.append('{"id":"%s","userPrincipalName":"u%d@contoso.example",'
                         '"displayName":"User %d"%s}' % (user_id(i), i, i, session))
            if len(chunk) == 10000:
                out.write(",\n".join(chunk))
                chunk = []
                if i + 1 < n:
                    out.write(",\n")
        if chunk:
            out.write(",\n".join(chunk))
        out.write("\n]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
