// Testing retry logic with a fault rule: the next two setPresence calls get
// 429 with Retry-After: 0.2, and the official JavaScript client's default
// retry middleware must wait it out. Save as a .mjs file next to an
// installed @microsoft/microsoft-graph-client and run it with node against a
// mock started with --auth off (over http:// the v3 client sends no token).
import assert from "node:assert/strict";
import { Client } from "@microsoft/microsoft-graph-client";

const mock = process.env.GPM_URL ?? "http://127.0.0.1:8080"; // the "listening on" URL
const tenant = "/tenants/retry-recipe"; // its own tenant: nothing else is touched
const user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";

async function control(method, path, body) {
  const res = await fetch(`${mock}${tenant}/_mock${path}`, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
}

await control("POST", "/reset"); // the tenant starts afresh on every run
await control("POST", "/faults", {
  id: "two-429s",
  match: { operation: "setPresence" },
  schedule: { next: 2 },
  action: { status: 429, retryAfter: 0.2 },
  checkRetryAfter: true,
});

const client = Client.init({
  baseUrl: mock + tenant,
  defaultVersion: "v1.0",
  authProvider: (done) => done(null, "any-token"),
});
await client.api(`/users/${user}/presence/setPresence`).post({
  sessionId: "22553876-f5ab-4529-bffb-cfe50aa89f87",
  availability: "Busy",
  activity: "InACall",
  expirationDuration: "PT1H",
});

const report = await control("GET", "/faults/two-429s");
assert.equal(report.fired, 2);
assert.deepEqual(report.retryAfterCheck, { waited: 2, tooEarly: 0 });
const journal = await control("GET", "/journal?path=*/setPresence");
assert.deepEqual(journal.entries.map((e) => e.status), [429, 429, 200]);
console.log("retry recipe: 429, 429, 200; the client waited both times");
