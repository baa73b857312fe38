// JSON batching with the official JavaScript client's batch helpers: a
// setPresence and a GET that depends on it, in one $batch. Save as a .mjs
// file next to an installed @microsoft/microsoft-graph-client and run it with
// node against a mock started with --auth off (over http:// the v3 client
// sends no token).
import assert from "node:assert/strict";
import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
} from "@microsoft/microsoft-graph-client";

const mock = process.env.GPM_URL ?? "http://127.0.0.1:8080"; // the "listening on" URL
const client = Client.init({
  baseUrl: mock,
  defaultVersion: "v1.0",
  authProvider: (done) => done(null, "any-token"),
});
const presence = `${mock}/v1.0/users/fa8bf3dc-eca7-46b7-bad1-db199b62afc3/presence`;
const batch = new BatchRequestContent([
  {
    id: "1",
    request: new Request(`${presence}/setPresence`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        sessionId: "22553876-f5ab-4529-bffb-cfe50aa89f87",
        availability: "Busy",
        activity: "InACall",
        expirationDuration: "PT1H",
      }),
    }),
  },
  { id: "2", request: new Request(presence, { method: "GET" }), dependsOn: ["1"] },
]);
const answer = await client.api("/$batch").post(await batch.getContent());
const responses = new BatchResponseContent(answer);
assert.equal(responses.getResponseById("1").status, 200);
const body = await responses.getResponseById("2").json();
assert.equal(body.availability, "Busy");
assert.equal(body.activity, "InACall");
console.log(`batch recipe: ${body.availability}/${body.activity}`);
