-- wrk script for scripts/bench: getPresencesByUserId with 650 distinct ids
-- (Graph's maximum, R3.2) of a tests/bench/gen_fixture.py fixture, the same
-- body on every request. USERS from GPM_BENCH_USERS (default 100000); the
-- ids are spread over the whole fixture.
local users = tonumber(os.getenv("GPM_BENCH_USERS") or "100000")
local ids = {}
for k = 0, 649 do
  local i = (k * 7919) % users
  ids[#ids + 1] = string.format('"%08x-0000-4000-8000-%012x"', i, i)
end
wrk.method = "POST"
wrk.path = "/v1.0/communications/getPresencesByUserId"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench"
wrk.body = '{"ids":[' .. table.concat(ids, ",") .. ']}'
