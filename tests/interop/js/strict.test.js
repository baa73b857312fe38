// The official JavaScript Graph client v3 and @azure/identity against a mock
// in strict auth mode over HTTPS (docs/auth.md "Strict auth with the
// JavaScript SDK"). Needs GPM_HTTPS_URL: a mock started with
//   --tls --tls-cert-out cert.pem --auth strict --fixtures fixtures/default.json
// and NODE_EXTRA_CA_CERTS=cert.pem, so Node trusts its certificate.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { Client } = require("@microsoft/microsoft-graph-client");
const {
  TokenCredentialAuthenticationProvider,
} = require("@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials");
const { ClientSecretCredential } = require("@azure/identity");

const url = process.env.GPM_HTTPS_URL;
const user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const other = "66825e03-7ef5-42da-9069-724602c31f6b";
const app = "22553876-f5ab-4529-bffb-cfe50aa89f87";

// A delegated token for `user` from the mock's own token endpoint.
async function mintToken(tenant, scopes) {
  const res = await fetch(`${url}/tenants/${tenant}/_mock/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ userId: user, appId: app, scopes }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).access_token;
}

// docs/auth.md "Strict auth with the JavaScript SDK" shows this snippet.
function graphClient(baseUrl, accessToken) {
  return Client.init({
    baseUrl, // e.g. "https://127.0.0.1:8443"
    // The client sends its token only to Graph's own hosts and to these.
    customHosts: new Set(["127.0.0.1"]),
    authProvider: (done) => done(null, accessToken),
  });
}

// docs/auth.md shows this snippet.
function appClient(baseUrl, tenantId) {
  const credential = new ClientSecretCredential(
    tenantId,
    "7c9e6679-7425-40de-944b-e07fc1f90ae7", // fixtures/default.json
    "mock-client-secret",
    { authorityHost: baseUrl, disableInstanceDiscovery: true },
  );
  const authProvider = new TokenCredentialAuthenticationProvider(credential, {
    scopes: ["https://graph.microsoft.com/.default"],
  });
  return Client.initWithMiddleware({
    baseUrl,
    customHosts: new Set(["127.0.0.1"]),
    authProvider,
  });
}

test("Strict: Client.init with customHosts sends its token over https and works end to end", async () => {
  assert.ok(url && url.startsWith("https://"), "GPM_HTTPS_URL is not an https:// URL");
  const tenant = `js-strict-${process.pid}`;
  const client = graphClient(url, await mintToken(tenant, "Presence.ReadWrite Presence.Read.All"));
  // No /tenants prefix: the token's tid picks the tenant (D24).
  await client.api("/me/presence/setPresence").post({
    sessionId: app,
    availability: "Busy",
    activity: "InACall",
    expirationDuration: "PT1H",
  });
  const mine = await client.api("/me/presence").get();
  assert.equal(mine.id, user);
  assert.equal(mine.availability, "Busy");
  assert.equal(mine.activity, "InACall");
  // Presence.Read.All reads other users; D6 keeps writes to the own user.
  const theirs = await client.api(`/users/${other}/presence`).get();
  assert.equal(theirs.id, other);
  await assert.rejects(
    client.api(`/users/${other}/presence/setPresence`).post({
      sessionId: app,
      availability: "Away",
      activity: "Away",
    }),
    (e) => e.statusCode === 403 && e.code === "Forbidden",
  );
});

test("Strict: without customHosts the client sends no token, and strict mode answers 401", async () => {
  const token = await mintToken(`js-strict-${process.pid}`, "Presence.Read");
  const client = Client.init({ baseUrl: url, authProvider: (done) => done(null, token) });
  await assert.rejects(
    client.api("/me/presence").get(),
    (e) => e.statusCode === 401 && e.code === "InvalidAuthenticationToken",
  );
});

test("OAuth: @azure/identity ClientSecretCredential gets a token from the mock that strict mode accepts", async () => {
  const tenant = `js-identity-${process.pid}`;
  const client = appClient(url, tenant);
  // The fixture app holds Presence.Read.All and Presence.ReadWrite.All.
  await client.api(`/users/${other}/presence/setStatusMessage`).post({
    statusMessage: { message: { content: "Set by an app", contentType: "text" } },
  });
  const presence = await client.api(`/users/${other}/presence`).get();
  assert.equal(presence.id, other);
  assert.equal(presence.statusMessage.message.content, "Set by an app");
  const batch = await client.api("/communications/getPresencesByUserId").post({ ids: [user, other] });
  assert.deepEqual(
    batch.value.map((p) => p.id),
    [user, other],
  );
  // An application token has no /me (D12).
  await assert.rejects(
    client.api("/me/presence").get(),
    (e) => e.statusCode === 400 && /delegated authentication flow/.test(e.message),
  );
});

test("OAuth: a wrong client secret is refused by the mock's token endpoint", async () => {
  const credential = new ClientSecretCredential(
    `js-identity-${process.pid}`,
    "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "not-the-secret",
    { authorityHost: url, disableInstanceDiscovery: true },
  );
  await assert.rejects(credential.getToken("https://graph.microsoft.com/.default"), (e) =>
    /invalid_client|AADSTS7000215/.test(String(e.message)),
  );
});
