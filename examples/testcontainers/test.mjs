// graph-presence-mock under Testcontainers (Node): start the image, wait for
// its "listening on" line, test against it, stop it.
//   GPM_IMAGE=graph-presence-mock:latest node --test test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GenericContainer, Wait } from 'testcontainers';

const image = process.env.GPM_IMAGE ?? 'graph-presence-mock:latest';
let mock; // the started container
let url; // the mock's base URL

before(async () => {
  const hostPort = process.env.GPM_HOST_NETWORK_PORT;
  let container = new GenericContainer(image)
    .withCommand(['--clock', 'manual', '--clock-start', '2026-01-01T00:00:00Z'])
    .withWaitStrategy(Wait.forLogMessage(/listening on/));
  if (hostPort) {
    // On the host's network (no container network): bind loopback only.
    container = container.withNetworkMode('host')
      .withEnvironment({ GPM_HOST: '127.0.0.1', GPM_PORT: hostPort });
  } else {
    container = container.withExposedPorts(8080);
  }
  mock = await container.start();
  url = hostPort
    ? `http://127.0.0.1:${hostPort}`
    : `http://${mock.getHost()}:${mock.getMappedPort(8080)}`;
});

after(async () => {
  await mock?.stop();
});

const user = 'fa8bf3dc-eca7-46b7-bad1-db199b62afc3'; // from the default fixtures
const app = '22553876-f5ab-4529-bffb-cfe50aa89f87';

test('setPresence through the container is read back', async () => {
  const graph = `${url}/v1.0/users/${user}/presence`;
  const headers = { Authorization: 'Bearer test', 'Content-Type': 'application/json' };
  const set = await fetch(`${graph}/setPresence`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      sessionId: app, availability: 'Busy', activity: 'InACall', expirationDuration: 'PT1H',
    }),
  });
  assert.equal(set.status, 200);
  const got = await (await fetch(graph, { headers })).json();
  assert.equal(got.availability, 'Busy');
  assert.equal(got.activity, 'InACall');
});

test('the manual clock moves through /_mock/clock', async () => {
  const res = await fetch(`${url}/_mock/clock`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ advance: 'PT2H' }),
  });
  assert.equal(res.status, 200);
  const got = await (await fetch(`${url}/v1.0/users/${user}/presence`,
    { headers: { Authorization: 'Bearer test' } })).json();
  // The session set above expired after an hour.
  assert.notEqual(got.activity, 'InACall');
});
