-- wrk script for scripts/bench: a stateful mix on many users of a
-- tests/bench/gen_fixture.py fixture. Request n belongs to cycle c = n / 3:
--   step 0: setPresence  for user c % USERS (app session, PT1H)
--   step 1: GET presence for user c % USERS
--   step 2: clearPresence for user (c - LAG) % USERS, whose session was set
--           LAG cycles earlier: with LAG above the connection count the set
--           has been answered by then, so the clear finds its session
--           (in the first LAG cycles, with nothing to clear yet, a GET).
-- USERS comes from GPM_BENCH_USERS (default 100000). `done` prints the
-- count of answers by status.
local users = tonumber(os.getenv("GPM_BENCH_USERS") or "100000")
local lag = 256
local app = "0b5e2c1a-7d34-4f8e-9a61-3c2d1e0f4b5a"
local n = 0
statuses = {}  -- a global: done() reads it through thread:get

local function uid(i)
  return string.format("%08x-0000-4000-8000-%012x", i, i)
end

local json_headers = { ["Content-Type"] = "application/json",
                       ["Authorization"] = "Bearer bench" }
local get_headers = { ["Authorization"] = "Bearer bench" }
local set_body = '{"sessionId":"' .. app ..
  '","availability":"Busy","activity":"InACall","expirationDuration":"PT1H"}'
local clear_body = '{"sessionId":"' .. app .. '"}'

request = function()
  local c = math.floor(n / 3)
  local step = n % 3
  n = n + 1
  if step == 0 then
    return wrk.format("POST", "/v1.0/users/" .. uid(c % users) ..
                      "/presence/setPresence", json_headers, set_body)
  elseif step == 1 then
    return wrk.format("GET", "/v1.0/users/" .. uid(c % users) .. "/presence",
                      get_headers)
  end
  if c < lag then
    return wrk.format("GET", "/v1.0/users/" .. uid(c % users) .. "/presence",
                      get_headers)
  end
  return wrk.format("POST", "/v1.0/users/" .. uid((c - lag) % users) ..
                    "/presence/clearPresence", json_headers, clear_body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local threads = {}
setup = function(thread) table.insert(threads, thread) end

done = function(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, k .. "=" .. v) end
  table.sort(parts)
  io.write("statuses " .. table.concat(parts, " ") .. "\n")
end
