#!/usr/bin/env python3
"""Checks a mock after schemathesis has fuzzed it (scripts/test-openapi).

Usage: state_check.py capture URL FILE    saves the start state to FILE
       state_check.py check URL FILE      the checks below, against FILE

After the run the mock must still answer, and what it holds must still hang
together: the state view agrees with what GET presence answers for every
user, reading changes nothing, the journal is in order, a snapshot loaded
into a fresh tenant gives the same state, and a reset gives back exactly the
start state. Prints one PASS/FAIL line per check and "N passed, M failed"
last; exits 1 if any failed. Standard library only.
"""
import json
import re
import sys
import urllib.error
import urllib.request

SEQUENCE = re.compile(r"^A[0-9]{10}$")
ROUNDTRIP = "openapi-roundtrip"


class Mock:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def call(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                status, raw = res.status, res.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        return status, (json.loads(raw) if raw else None)

    def ok(self, method, path, body=None, headers=None):
        status, doc = self.call(method, path, body, headers)
        if not 200 <= status < 300:
            raise AssertionError(f"{method} {path} answered {status}: {doc}")
        return doc


passed = 0
failed = 0


def check(name, fn):
    global passed, failed
    try:
        fn()
    except Exception as e:  # a failed check names what it saw
        failed += 1
        print(f"[openapi] FAIL {name}: {e}")
        return
    passed += 1
    print(f"[openapi] PASS {name}")


def state(mock, prefix=""):
    return mock.ok("GET", prefix + "/_mock/state")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("capture", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, mock, path = sys.argv[1], Mock(sys.argv[2]), sys.argv[3]
    if mode == "capture":
        with open(path, "w") as f:
            json.dump(state(mock), f)
        return 0
    with open(path) as f:
        start = json.load(f)

    def health():
        doc = mock.ok("GET", "/_mock/health")
        assert doc["status"] == "ok", doc

    check("the mock still answers GET /_mock/health after the run", health)

    def views_hang_together():
        doc = state(mock)
        for u in doc["users"]:
            assert SEQUENCE.match(u["sequenceNumber"]), u
            ids = [s["sessionId"] for s in u["sessions"]]
            assert ids == sorted(set(ids)), f"{u['id']}: sessions {ids}"
            one = mock.ok("GET", "/_mock/state/" + u["id"])
            assert one == u, f"{u['id']}: /_mock/state/{{id}} differs from /_mock/state"

    check("every user's state view is well formed and /_mock/state/{id} "
          "agrees with /_mock/state", views_hang_together)

    def presence_agrees():
        # Faults, latency and throttling the fuzzer set would stand between
        # the check and the store: clear them first.
        mock.ok("DELETE", "/_mock/faults")
        latency = mock.ok("GET", "/_mock/latency")
        mock.ok("PUT", "/_mock/latency",
                {"global": None,
                 "operations": {k: None for k in latency["operations"]}})
        mock.ok("PUT", "/_mock/throttling", {"mode": "off"})
        auth = {"Authorization": "Bearer test"}
        before = state(mock)
        for u in before["users"]:
            p = mock.ok("GET", f"/v1.0/users/{u['id']}/presence", headers=auth)
            got = (p["availability"], p["activity"], p["sequenceNumber"])
            want = (u["presence"]["availability"], u["presence"]["activity"],
                    u["sequenceNumber"])
            assert got == want, f"{u['id']}: GET presence {got}, state view {want}"
        assert state(mock) == before, "reading presence changed the state"

    check("GET presence answers what the state view says, for every user, "
          "and reading changes nothing", presence_agrees)

    def journal_in_order():
        doc = mock.ok("GET", "/_mock/journal?limit=10000000")
        entries = doc["entries"]
        assert doc["total"] == len(entries), (doc["total"], len(entries))
        times = [e["time"] for e in entries]
        assert times == sorted(times), "journal entries out of time order"
        seqs = [e["writeSequence"] for e in entries
                if e["writeSequence"] is not None]
        assert len(seqs) == len(set(seqs)), "a write sequence repeats"
        count = mock.ok("POST", "/_mock/journal/count", {})["count"]
        assert count == len(entries), (count, len(entries))

    check("the journal lists every entry it counts, in time order, with "
          "unique write sequences", journal_in_order)

    def snapshot_roundtrip():
        now = state(mock)["now"]
        prefix = f"/tenants/{ROUNDTRIP}"
        mock.ok("POST", prefix + "/_mock/reset")
        mock.ok("POST", prefix + "/_mock/clock", {"now": now})
        mock.ok("POST", prefix + "/_mock/snapshot",
                mock.ok("GET", "/_mock/snapshot"))
        a, b = state(mock), state(mock, prefix)
        assert b["now"] == a["now"], (a["now"], b["now"])
        assert b["users"] == a["users"], "the reloaded snapshot differs"

    check("a snapshot of the fuzzed tenant loads into a fresh tenant as the "
          "same state", snapshot_roundtrip)

    def reset_restores():
        mock.ok("POST", "/_mock/reset")
        after = state(mock)
        assert after == start, "state after reset differs from the start"
        tenants = [t["id"] for t in mock.ok("GET", "/_mock/tenants")["tenants"]]
        assert tenants == ["default"], tenants

    check("POST /_mock/reset gives back exactly the start state",
          reset_restores)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
