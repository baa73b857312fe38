// The Kiota-based JavaScript Graph SDKs (@microsoft/msgraph-sdk with
// @microsoft/msgraph-sdk-users for v1.0, @microsoft/msgraph-beta-sdk for
// beta) against the real binary: every presence operation through the SDK's
// own request builders, its parsed ODataError, and its RetryHandler against
// a 429 fault rule. Needs GPM_URL: a mock in the default permissive auth
// mode (any bearer token), so the test also proves the token is sent.
// The block between the kiota-js markers is quoted verbatim in the README.
import test from "node:test";
import assert from "node:assert/strict";
// kiota-js-config
import { createGraphServiceClient, GraphRequestAdapter } from "@microsoft/msgraph-sdk";
import "@microsoft/msgraph-sdk-users";
import {
  AllowedHostsValidator,
  BaseBearerTokenAuthenticationProvider,
} from "@microsoft/kiota-abstractions";

const mock = process.env.GPM_URL ?? "http://127.0.0.1:8080"; // the "listening on" URL
// Any non-empty bearer token passes the mock's permissive auth mode. Azure
// identity providers refuse plain http except for localhost, so over http a
// static token provider is the simplest; it sends the token only to the mock.
const allowedHosts = new AllowedHostsValidator(new Set(["127.0.0.1", "localhost"]));
const authProvider = new BaseBearerTokenAuthenticationProvider({
  getAuthorizationToken: async (url) => (allowedHosts.isUrlHostValid(url) ? "any-token" : ""),
  getAllowedHostsValidator: () => allowedHosts,
});
const adapter = new GraphRequestAdapter(authProvider);
adapter.baseUrl = `${mock}/tenants/kiota-js/v1.0`; // or `${mock}/v1.0` for the default tenant
const graph = createGraphServiceClient(adapter);
// /kiota-js-config

import { Duration, HttpMethod, RequestInformation } from "@microsoft/kiota-abstractions";
import { createPresenceFromDiscriminatorValue as createPresence } from "@microsoft/msgraph-sdk/models/index.js";
import { createODataErrorFromDiscriminatorValue } from "@microsoft/msgraph-sdk/models/oDataErrors/index.js";
import { GraphBetaRequestAdapter } from "@microsoft/msgraph-beta-sdk";
import { createPresenceFromDiscriminatorValue as createBetaPresence } from "@microsoft/msgraph-beta-sdk/models/index.js";

const tenant = "/tenants/kiota-js";
const user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const other = "66825e03-7ef5-42da-9069-724602c31f6b";
const app = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const errorMapping = { XXX: createODataErrorFromDiscriminatorValue };
// {"value":[presence, ...]} with the SDK's presence model for each item.
const createPresenceCollection = () => (instance) => ({
  value: (node) => { instance.value = node.getCollectionOfObjectValues(createPresence); },
});

async function control(method, path, body) {
  const res = await fetch(mock + tenant + path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

test.before(async () => {
  assert.ok(process.env.GPM_URL, "GPM_URL is not set");
  assert.equal((await control("POST", "/_mock/reset")).status, 200);
});

test("R3.3 setPresence through users.byUserId().presence.setPresence, then GET presence", async () => {
  const presence = graph.users.byUserId(user).presence;
  await presence.setPresence.post({
    sessionId: app,
    availability: "Busy",
    activity: "InACall",
    expirationDuration: new Duration({ hours: 1 }),
  });
  const got = await presence.get();
  console.log("kiota-js v1.0 GET presence:", got.availability, got.activity);
  assert.equal(got.id, user);
  assert.equal(got.availability, "Busy");
  assert.equal(got.activity, "InACall");
  // The SDK wrote the Duration as ISO 8601 (D23 would refuse anything else).
  const journal = await control("GET", "/_mock/journal?path=*/setPresence");
  assert.deepEqual(journal.body.entries.map((e) => e.status), [200]);
});

test("R3.4.3 D8 clearPresence twice: the second throws the SDK's ODataError 404 NotFound", async () => {
  const presence = graph.users.byUserId(user).presence;
  await presence.clearPresence.post({ sessionId: app });
  const after = await presence.get();
  assert.equal(after.availability, "Offline");
  const err = await presence.clearPresence.post({ sessionId: app }).then(
    () => assert.fail("the second clearPresence succeeded"),
    (e) => e,
  );
  // The SDK's ODataError keeps Graph's "error" object as errorEscaped
  // ("error" is a reserved name in its generator) and copies its message.
  const main = err.errorEscaped;
  console.log("kiota-js v1.0 second clearPresence:", err.responseStatusCode, main?.code, main?.message);
  assert.equal(err.responseStatusCode, 404);
  assert.equal(main?.code, "NotFound");
  assert.equal(main?.message, `No presence session exists for sessionId '${app}'.`);
  assert.equal(err.message, main?.message);
  assert.match(main?.innerError?.requestId ?? "", /^[0-9a-f-]{36}$/);
});

test("R3.5 R3.6 setUserPreferredPresence wins over sessions, clearUserPreferredPresence removes it", async () => {
  const presence = graph.users.byUserId(user).presence;
  // R3.5.3: a preferred presence shows only while the user has a session.
  await presence.setPresence.post({
    sessionId: app,
    availability: "Available",
    activity: "Available",
    expirationDuration: new Duration({ hours: 1 }),
  });
  await presence.setUserPreferredPresence.post({
    availability: "DoNotDisturb",
    activity: "DoNotDisturb",
    expirationDuration: new Duration({ hours: 8 }),
  });
  const preferred = await presence.get();
  assert.equal(preferred.availability, "DoNotDisturb");
  await presence.clearUserPreferredPresence.post();
  const cleared = await presence.get();
  console.log("kiota-js v1.0 preferred then cleared:", preferred.availability, cleared.availability);
  assert.equal(cleared.availability, "Available");
});

test("R3.7 setStatusMessage shows in GET presence", async () => {
  const presence = graph.users.byUserId(user).presence;
  await presence.setStatusMessage.post({
    statusMessage: { message: { content: "Heads down until noon", contentType: "text" } },
  });
  const got = await presence.get();
  console.log("kiota-js v1.0 status message:", got.statusMessage?.message?.content);
  assert.equal(got.statusMessage?.message?.content, "Heads down until noon");
});

test("E2 getPresencesByUserId through the SDK's adapter and models", async () => {
  // @microsoft/msgraph-sdk-communications is not published on npm, so the
  // fluent builder for /communications is missing; the request goes through
  // the same adapter (auth, retry, ODataError mapping) with the SDK's models.
  const request = new RequestInformation(HttpMethod.POST, "{+baseurl}/communications/getPresencesByUserId");
  request.headers.tryAdd("Accept", "application/json");
  request.setStreamContent(new TextEncoder().encode(JSON.stringify({ ids: [user, other] })), "application/json");
  const collection = await adapter.send(request, createPresenceCollection, errorMapping);
  const ids = collection.value.map((p) => p.id).sort();
  console.log("kiota-js v1.0 getPresencesByUserId:", collection.value.map((p) => `${p.id}=${p.availability}`).join(" "));
  assert.deepEqual(ids, [user, other].sort());
});

test("R6.9 a 429 with Retry-After is retried by the SDK's RetryHandler after waiting", async () => {
  const created = await control("POST", "/_mock/faults", {
    id: "kiota-429",
    match: { operation: "setPresence" },
    schedule: { next: 1 },
    action: { status: 429, retryAfter: 1 },
    checkRetryAfter: true,
  });
  assert.equal(created.status, 201);
  await graph.users.byUserId(user).presence.setPresence.post({
    sessionId: app,
    availability: "Away",
    activity: "Away",
    expirationDuration: new Duration({ minutes: 30 }),
  });
  const report = await control("GET", "/_mock/faults/kiota-429");
  console.log("kiota-js v1.0 retry:", JSON.stringify(report.body.retryAfterCheck));
  assert.equal(report.body.fired, 1);
  assert.deepEqual(report.body.retryAfterCheck, { waited: 1, tooEarly: 0 });
  const journal = await control("GET", "/_mock/journal?path=*/setPresence");
  assert.deepEqual(journal.body.entries.map((e) => e.status).slice(-2), [429, 200]);
  assert.equal((await graph.users.byUserId(user).presence.get()).availability, "Away");
});

test("beta: @microsoft/msgraph-beta-sdk's adapter and models set and read presence", async () => {
  // kiota-js-beta-config
  const betaAdapter = new GraphBetaRequestAdapter(authProvider);
  betaAdapter.baseUrl = `${mock}/tenants/kiota-js/beta`;
  // /kiota-js-beta-config
  // No beta users fluent package is published on npm, so the beta client
  // (createGraphBetaServiceClient) has no presence builders: the requests go
  // through the beta adapter with the beta models.
  const set = new RequestInformation(HttpMethod.POST, "{+baseurl}/users/{id}/presence/setPresence", { id: other });
  set.setStreamContent(new TextEncoder().encode(JSON.stringify({
    sessionId: app, availability: "DoNotDisturb", activity: "Presenting", expirationDuration: "PT15M",
  })), "application/json");
  await betaAdapter.sendNoResponseContent(set, errorMapping);
  const get = new RequestInformation(HttpMethod.GET, "{+baseurl}/users/{id}/presence", { id: other });
  get.headers.tryAdd("Accept", "application/json");
  const got = await betaAdapter.send(get, createBetaPresence, errorMapping);
  console.log("kiota-js beta GET presence:", got.availability, got.activity);
  assert.equal(got.availability, "DoNotDisturb");
  assert.equal(got.activity, "Presenting");
});
