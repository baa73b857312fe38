#!/usr/bin/env python3
"""The control-plane page against the OpenAPI document (scripts/test-openapi).

Usage: docs_check.py OPENAPI_JSON PAGE_MD

Every method and path of the document's /_mock/ plane must appear in the
page's endpoint tables, and every endpoint the tables name must be in the
document. A table row names its endpoints in its first cell, in backticks:
`GET /_mock/clock`, or `GET`, `POST`, `DELETE /_mock/faults` (bare methods
go with the next path); a query (`?mode=...`) is not part of the path.
Prints what differs and exits 1 when anything does.
"""
import json
import re
import sys

METHODS = {"GET", "POST", "PUT", "DELETE"}


def page_endpoints(text):
    found = set()
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = re.split(r"(?<!\\)\|", line)  # "\|" stays in its cell
        if len(cells) < 3 or "/_mock/" not in cells[1]:
            continue
        pending = []
        for token in re.findall(r"`([^`]*)`", cells[1]):
            words = token.split()
            methods = [w.rstrip(",") for w in words if w.rstrip(",") in METHODS]
            paths = [w for w in words if w.startswith("/_mock/")]
            if not paths:
                pending += methods
                continue
            path = paths[0].split("?")[0]
            for m in pending + methods:
                found.add((m, path))
            pending = []
    return found


def document_endpoints(doc):
    found = set()
    for path, item in doc["paths"].items():
        if not path.startswith("/_mock/"):
            continue
        for method in item:
            if method.upper() in METHODS:
                found.add((method.upper(), path))
    return found


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        doc = document_endpoints(json.load(f))
    with open(sys.argv[2]) as f:
        page = page_endpoints(f.read())
    bad = 0
    for m, p in sorted(doc - page):
        print(f"docs-check: {m} {p} is served but not in {sys.argv[2]}")
        bad += 1
    for m, p in sorted(page - doc):
        print(f"docs-check: {m} {p} is in {sys.argv[2]} but not served")
        bad += 1
    if not doc:
        print("docs-check: the document has no /_mock/ path")
        bad += 1
    print(f"docs-check: {len(doc)} control-plane endpoints, {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
