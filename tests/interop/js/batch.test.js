// The official JavaScript Graph client's batch helpers against the mock
// (spec R6.10-R6.12, D22). Needs GPM_URL: a mock started with --auth off
// (over http:// the v3 client sends no token).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {
  Client,
  BatchRequestContent,
  BatchResponseContent,
} = require("@microsoft/microsoft-graph-client");

const url = process.env.GPM_URL;
const user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const app = "22553876-f5ab-4529-bffb-cfe50aa89f87";

// docs/sdks.md "JSON batching with the JavaScript client" shows this snippet.
async function setAndRead(baseUrl) {
  const client = Client.init({
    baseUrl,
    defaultVersion: "v1.0",
    authProvider: (done) => done(null, "any-token"),
  });
  const presence = `${baseUrl}/v1.0/users/${user}/presence`;
  const batch = new BatchRequestContent([
    {
      id: "1",
      request: new Request(`${presence}/setPresence`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          sessionId: app,
          availability: "Busy",
          activity: "InACall",
          expirationDuration: "PT1H",
        }),
      }),
    },
    { id: "2", request: new Request(presence, { method: "GET" }), dependsOn: ["1"] },
  ]);
  const answer = await client.api("/$batch").post(await batch.getContent());
  return new BatchResponseContent(answer);
}

test("R6.12 BatchResponseContent gives parsed inner bodies and statuses", async () => {
  assert.ok(url, "GPM_URL is not set");
  await fetch(`${url}/_mock/reset`, { method: "POST" });
  const responses = await setAndRead(url);
  const set = responses.getResponseById("1");
  assert.equal(set.status, 200);
  const read = responses.getResponseById("2");
  assert.equal(read.status, 200);
  const body = await read.json();
  assert.equal(body.availability, "Busy");
  assert.equal(body.activity, "InACall");
  assert.equal(body.id, user);
});

test("D22 an action's item has no body", async () => {
  await fetch(`${url}/_mock/reset`, { method: "POST" });
  const responses = await setAndRead(url);
  const set = responses.getResponseById("1");
  assert.equal(await set.text(), "");
});
