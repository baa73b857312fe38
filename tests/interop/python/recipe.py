"""The Python Graph SDKs (msgraph-sdk for v1.0, msgraph-beta-sdk for beta)
against the real binary: every presence operation through the SDK's own
request builders, its parsed ODataError, the timedelta pitfall of R8.1/D23,
and its RetryHandler against a 429 fault rule.

Usage: GPM_URL=http://127.0.0.1:PORT python recipe.py
The mock runs in the default permissive auth mode (any bearer token), so the
recipe also proves the token is sent. The last line is "N passed, M failed";
the exit code is non-zero when a check failed. The block between the
python-config markers is quoted verbatim in the README.
"""
import asyncio
import datetime
import json
import os
import sys
import traceback
import urllib.request

# python-config
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient

MOCK = os.environ.get("GPM_URL", "http://127.0.0.1:8080")  # the "listening on" URL


class StaticToken(AccessTokenProvider):
    """Any non-empty bearer token passes the mock's permissive auth mode.
    azure-identity credentials refuse plain http except for localhost, so
    over http a static token is the simplest; it goes only to the mock."""

    def __init__(self, token, hosts):
        self.token = token
        self.hosts = AllowedHostsValidator(hosts)

    async def get_authorization_token(self, uri, additional_authentication_context={}):
        return self.token if self.hosts.is_url_host_valid(uri) else ""

    def get_allowed_hosts_validator(self):
        return self.hosts


auth = BaseBearerTokenAuthenticationProvider(StaticToken("any-token", ["127.0.0.1", "localhost"]))
adapter = GraphRequestAdapter(auth)
adapter.base_url = f"{MOCK}/tenants/py-v1/v1.0"  # or f"{MOCK}/v1.0" for the default tenant
graph = GraphServiceClient(request_adapter=adapter)
# /python-config

from msgraph.generated.communications.get_presences_by_user_id.get_presences_by_user_id_post_request_body import (
    GetPresencesByUserIdPostRequestBody,
)
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.presence_status_message import PresenceStatusMessage
from msgraph.generated.users.item.presence.clear_presence.clear_presence_post_request_body import (
    ClearPresencePostRequestBody,
)
from msgraph.generated.users.item.presence.set_presence.set_presence_post_request_body import (
    SetPresencePostRequestBody,
)
from msgraph.generated.users.item.presence.set_status_message.set_status_message_post_request_body import (
    SetStatusMessagePostRequestBody,
)
from msgraph.generated.users.item.presence.set_user_preferred_presence.set_user_preferred_presence_post_request_body import (
    SetUserPreferredPresencePostRequestBody,
)

USER = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3"
OTHER = "66825e03-7ef5-42da-9069-724602c31f6b"
APP = "22553876-f5ab-4529-bffb-cfe50aa89f87"


def control(method, tenant, path, body=None):
    """The mock's /_mock control plane (plain HTTP, no SDK)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{MOCK}/tenants/{tenant}/_mock{path}", data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.loads(res.read())


async def expect_odata_error(call):
    """Awaits call, which must raise the SDK's ODataError; returns it."""
    try:
        await call
    except ODataError as e:
        return e
    raise AssertionError("the call succeeded; an ODataError was expected")


# --- the checks -------------------------------------------------------------

async def r3_3_set_presence_then_get():
    # How a Python user passes expirationDuration: an ISO 8601 string. The
    # field is typed timedelta, but the SDK writes a timedelta as "1:00:00"
    # (str(timedelta)), which Graph and the mock refuse (D23); a string that
    # parses as a duration is written through unchanged.
    # python-duration
    body = SetPresencePostRequestBody(
        session_id=APP,
        availability="Busy",
        activity="InACall",
        expiration_duration="PT1H",  # not datetime.timedelta(hours=1)
    )
    await graph.users.by_user_id(USER).presence.set_presence.post(body)
    # /python-duration
    got = await graph.users.by_user_id(USER).presence.get()
    print(f"  v1.0 GET presence: {got.availability} {got.activity}")
    assert got.id == USER, got.id
    assert (got.availability, got.activity) == ("Busy", "InACall"), (got.availability, got.activity)


async def d23_timedelta_is_400():
    body = SetPresencePostRequestBody(
        session_id=APP,
        availability="Away",
        activity="Away",
        expiration_duration=datetime.timedelta(hours=1),
    )
    err = await expect_odata_error(graph.users.by_user_id(USER).presence.set_presence.post(body))
    print(f"  v1.0 timedelta(hours=1): {err.response_status_code} {err.error.code}: {err.error.message}")
    assert err.response_status_code == 400
    assert err.error.code == "BadRequest"
    assert "ISO 8601" in err.error.message, err.error.message
    journal = control("GET", "py-v1", "/journal?path=*/setPresence&status=400")
    assert journal["total"] == 1, journal
    # The session from before is untouched.
    got = await graph.users.by_user_id(USER).presence.get()
    assert got.availability == "Busy", got.availability


async def r3_4_3_clear_presence_twice():
    presence = graph.users.by_user_id(USER).presence
    await presence.clear_presence.post(ClearPresencePostRequestBody(session_id=APP))
    assert (await presence.get()).availability == "Offline"
    err = await expect_odata_error(
        presence.clear_presence.post(ClearPresencePostRequestBody(session_id=APP)))
    print(f"  v1.0 second clearPresence: {err.response_status_code} {err.error.code}: {err.error.message}")
    assert err.response_status_code == 404
    assert err.error.code == "NotFound"
    assert err.error.message == f"No presence session exists for sessionId '{APP}'.", err.error.message
    assert len(err.error.inner_error.request_id) == 36, err.error.inner_error.request_id


async def r3_5_r3_6_preferred_presence():
    presence = graph.users.by_user_id(USER).presence
    # R3.5.3: the preferred presence shows only while the user has a session.
    await presence.set_presence.post(SetPresencePostRequestBody(
        session_id=APP, availability="Available", activity="Available", expiration_duration="PT1H"))
    await presence.set_user_preferred_presence.post(SetUserPreferredPresencePostRequestBody(
        availability="DoNotDisturb", activity="DoNotDisturb", expiration_duration="PT8H"))
    preferred = await presence.get()
    await presence.clear_user_preferred_presence.post()
    cleared = await presence.get()
    print(f"  v1.0 preferred then cleared: {preferred.availability} {cleared.availability}")
    assert preferred.availability == "DoNotDisturb", preferred.availability
    assert cleared.availability == "Available", cleared.availability


async def r3_7_set_status_message():
    presence = graph.users.by_user_id(USER).presence
    await presence.set_status_message.post(SetStatusMessagePostRequestBody(
        status_message=PresenceStatusMessage(
            message=ItemBody(content="Heads down until noon", content_type=BodyType.Text))))
    got = await presence.get()
    print(f"  v1.0 status message: {got.status_message.message.content}")
    assert got.status_message.message.content == "Heads down until noon"


async def e2_get_presences_by_user_id():
    result = await graph.communications.get_presences_by_user_id.post(
        GetPresencesByUserIdPostRequestBody(ids=[USER, OTHER]))
    print("  v1.0 getPresencesByUserId: " + " ".join(f"{p.id}={p.availability}" for p in result.value))
    assert sorted(p.id for p in result.value) == sorted([USER, OTHER])


async def r6_9_retry_after_429():
    created = control("POST", "py-v1", "/faults", {
        "id": "py-429", "match": {"operation": "setPresence"}, "schedule": {"next": 1},
        "action": {"status": 429, "retryAfter": 1}, "checkRetryAfter": True})
    assert created == {"created": ["py-429"]}, created
    await graph.users.by_user_id(USER).presence.set_presence.post(SetPresencePostRequestBody(
        session_id=APP, availability="Away", activity="Away", expiration_duration="PT30M"))
    report = control("GET", "py-v1", "/faults/py-429")
    print(f"  v1.0 retry: fired {report['fired']}, retryAfterCheck {report['retryAfterCheck']}")
    assert report["fired"] == 1, report
    assert report["retryAfterCheck"] == {"waited": 1, "tooEarly": 0}, report
    statuses = [e["status"] for e in control("GET", "py-v1", "/journal?path=*/setPresence")["entries"]]
    assert statuses[-2:] == [429, 200], statuses
    assert (await graph.users.by_user_id(USER).presence.get()).availability == "Away"


async def beta_presence_round_trip():
    # python-beta-config
    from msgraph_beta import GraphRequestAdapter as BetaRequestAdapter, GraphServiceClient as BetaServiceClient

    beta_adapter = BetaRequestAdapter(auth)
    beta_adapter.base_url = f"{MOCK}/tenants/py-beta/beta"
    beta = BetaServiceClient(request_adapter=beta_adapter)
    # /python-beta-config
    from msgraph_beta.generated.communications.get_presences_by_user_id.get_presences_by_user_id_post_request_body import (
        GetPresencesByUserIdPostRequestBody as BetaGetPresences,
    )
    from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError as BetaODataError
    from msgraph_beta.generated.users.item.presence.clear_presence.clear_presence_post_request_body import (
        ClearPresencePostRequestBody as BetaClear,
    )
    from msgraph_beta.generated.users.item.presence.set_presence.set_presence_post_request_body import (
        SetPresencePostRequestBody as BetaSet,
    )

    presence = beta.users.by_user_id(OTHER).presence
    await presence.set_presence.post(BetaSet(
        session_id=APP, availability="DoNotDisturb", activity="Presenting", expiration_duration="PT15M"))
    got = await presence.get()
    print(f"  beta GET presence: {got.availability} {got.activity}")
    assert (got.availability, got.activity) == ("DoNotDisturb", "Presenting")
    many = await beta.communications.get_presences_by_user_id.post(BetaGetPresences(ids=[OTHER]))
    assert [p.availability for p in many.value] == ["DoNotDisturb"]
    await presence.clear_presence.post(BetaClear(session_id=APP))
    try:
        await presence.clear_presence.post(BetaClear(session_id=APP))
        raise AssertionError("the second beta clearPresence succeeded")
    except BetaODataError as e:
        print(f"  beta second clearPresence: {e.response_status_code} {e.error.code}")
        assert (e.response_status_code, e.error.code) == (404, "NotFound")


CHECKS = [
    ("R3.3 setPresence with an ISO 8601 string, then GET presence", r3_3_set_presence_then_get),
    ("D23 R8.1 a timedelta is written as 1:00:00 and refused with 400", d23_timedelta_is_400),
    ("R3.4.3 D8 the second clearPresence raises ODataError 404 NotFound", r3_4_3_clear_presence_twice),
    ("R3.5 R3.6 setUserPreferredPresence and clearUserPreferredPresence", r3_5_r3_6_preferred_presence),
    ("R3.7 setStatusMessage shows in GET presence", r3_7_set_status_message),
    ("E2 getPresencesByUserId through communications", e2_get_presences_by_user_id),
    ("R6.9 a 429 with Retry-After is retried by the SDK's RetryHandler after waiting", r6_9_retry_after_429),
    ("beta: msgraph-beta-sdk sets, reads, lists and clears presence", beta_presence_round_trip),
]


async def main():
    if "GPM_URL" not in os.environ:
        print("GPM_URL is not set", file=sys.stderr)
        return 2
    control("POST", "py-v1", "/reset")
    control("POST", "py-beta", "/reset")
    passed = failed = 0
    for name, check in CHECKS:
        try:
            await check()
            print(f"[python] PASS {name}")
            passed += 1
        except Exception:  # a failed assert or an unexpected SDK error
            print(f"[python] FAIL {name}")
            traceback.print_exc(file=sys.stdout)
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
