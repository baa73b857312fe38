#!/usr/bin/env bash
# Using graph-presence-mock in CI: start it on an ephemeral port, wait until
# it is ready, run the tests against it, stop it. Run from the repository
# root after scripts/build (scripts/test runs this very file).
set -euo pipefail
ready="$(mktemp -u)"
build/graph-presence-mock --port 0 --clock manual --quiet \
  --fixtures fixtures/default.json --ready-file "$ready" &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; rm -f "$ready"' EXIT
url="$(scripts/wait-ready --file "$ready" 10)"

# One tenant per job, so parallel jobs can share one mock without seeing
# each other's users, clock or journal.
job="${CI_JOB_ID:-local}"
graph="$url/tenants/job-$job/v1.0"   # the Graph SDK's base URL
control="$url/tenants/job-$job/_mock"
user=fa8bf3dc-eca7-46b7-bad1-db199b62afc3
app=22553876-f5ab-4529-bffb-cfe50aa89f87

# Your integration tests run here against $graph. For example:
curl -fsS -X POST "$graph/users/$user/presence/setPresence" \
  -H 'Authorization: Bearer test' -H 'Content-Type: application/json' \
  -d "{\"sessionId\":\"$app\",\"availability\":\"Available\",\"activity\":\"Available\",\"expirationDuration\":\"PT1H\"}"
curl -fsS -X POST "$control/clock" -H 'Content-Type: application/json' \
  -d '{"advance":"PT7M"}' >/dev/null
curl -fsS "$graph/users/$user/presence" -H 'Authorization: Bearer test' |
  grep -q '"activity":"AvailableInactive"'
count="$(curl -fsS -X POST "$control/journal/count" \
  -H 'Content-Type: application/json' \
  -d "{\"method\":\"POST\",\"path\":\"*/setPresence\",\"app\":\"$app\"}")"
[ "$count" = '{"count":1}' ]

kill -TERM "$mock"
wait "$mock"   # 0: a clean stop
echo "ci example: ok"
