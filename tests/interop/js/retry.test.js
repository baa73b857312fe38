// The official JavaScript Graph client's retry middleware against a fault
// rule (docs/faults.md "Testing your retry logic"). Needs GPM_URL: a mock
// started with --auth off (over http:// the v3 client sends no token).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { Client } = require("@microsoft/microsoft-graph-client");

const url = process.env.GPM_URL;
const user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const app = "22553876-f5ab-4529-bffb-cfe50aa89f87";

async function control(method, path, body) {
  const res = await fetch(url + path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

test("Retry: the client's RetryHandler waits Retry-After after each 429 and then succeeds", async () => {
  assert.ok(url, "GPM_URL is not set");
  // Its own tenant, so the rule touches nothing else.
  const tenant = `/tenants/js-retry-${process.pid}`;
  // Fail the next two setPresence calls with 429 and Retry-After: 0.2 s,
  // and check that the client waited before retrying.
  const created = await control("POST", `${tenant}/_mock/faults`, {
    id: "two-429s",
    match: { operation: "setPresence" },
    schedule: { next: 2 },
    action: { status: 429, retryAfter: 0.2 },
    checkRetryAfter: true,
  });
  assert.equal(created.status, 201);

  const client = Client.init({
    baseUrl: url + tenant,
    defaultVersion: "v1.0",
    authProvider: (done) => done(null, "any-token"),
  });
  await client.api(`/users/${user}/presence/setPresence`).post({
    sessionId: app,
    availability: "Busy",
    activity: "InACall",
    expirationDuration: "PT1H",
  });

  const report = await control("GET", `${tenant}/_mock/faults/two-429s`);
  assert.equal(report.body.fired, 2);
  assert.equal(report.body.exhausted, true);
  assert.deepEqual(report.body.retryAfterCheck, { waited: 2, tooEarly: 0 });
  const presence = await client.api(`/users/${user}/presence`).get();
  assert.equal(presence.availability, "Busy");
  const journal = await control("GET", `${tenant}/_mock/journal?path=*/setPresence`);
  assert.deepEqual(journal.body.entries.map((e) => e.status), [429, 429, 200]);
});
