-- wrk script for scripts/soak: a mixed presence load. Each wrk thread has
-- one connection (-t N -c N) and owns one fixture user in tenant "soak", so
-- its writes to that user are sequential; every 8th request reads another
-- tenant (soak-0 .. soak-19), which exercises copy-on-write tenants. done()
-- prints the status counts and, per thread, the last status message that
-- was answered 200 ("LAST <user> <content>"), which scripts/soak then finds
-- in the mock's state: nothing was lost.
local users = {
  "fa8bf3dc-eca7-46b7-bad1-db199b62afc3", "66825e03-7ef5-42da-9069-724602c31f6b",
  "3b1f6a43-2c7e-4f0a-9a51-6f2b1c0d4e11", "8c2d7e94-5b6a-4f3e-8d21-0a9b8c7d6e5f",
}
local sessions = {
  "5e55104a-0000-4000-8000-00000000000a", "5e55104a-0000-4000-8000-00000000000b",
  "5e55104a-0000-4000-8000-00000000000c",
}
local pairs_ = { {"Available","Available"}, {"Busy","InACall"}, {"Away","Away"},
                 {"DoNotDisturb","Presenting"}, {"Busy","InAConferenceCall"} }
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  user = users[(id % #users) + 1]
  n = 0
  counts = {}
  pending = nil     -- the status content of the request in flight
  last = ""
  base = "/tenants/soak/v1.0/users/" .. user .. "/presence"
end

local function post(path, body)
  return wrk.format("POST", path, {["Content-Type"] = "application/json",
                                   ["Authorization"] = "Bearer soak"}, body)
end

function request()
  n = n + 1
  pending = nil
  local k = n % 8
  local s = sessions[(n % #sessions) + 1]
  local p = pairs_[(n % #pairs_) + 1]
  if k == 0 then
    return wrk.format("GET", "/tenants/soak-" .. (n % 20) .. "/v1.0/users/" .. user ..
                      "/presence", {["Authorization"] = "Bearer soak"})
  elseif k == 1 or k == 4 then
    return post(base .. "/setPresence", string.format(
      '{"sessionId":"%s","availability":"%s","activity":"%s","expirationDuration":"PT1H"}',
      s, p[1], p[2]))
  elseif k == 2 then
    return post(base .. "/clearPresence", string.format('{"sessionId":"%s"}', s))
  elseif k == 3 then
    return post(base .. "/setUserPreferredPresence",
                '{"availability":"Away","activity":"Away","expirationDuration":"PT8H"}')
  elseif k == 5 then
    pending = "t" .. id .. "-" .. n
    return post(base .. "/setStatusMessage", string.format(
      '{"statusMessage":{"message":{"content":"%s","contentType":"text"}}}', pending))
  elseif k == 6 then
    return post(base .. "/clearUserPreferredPresence", "{}")
  else
    return wrk.format("GET", base, {["Authorization"] = "Bearer soak"})
  end
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if pending ~= nil and status == 200 then last = pending end
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for status, k in pairs(c) do total[status] = (total[status] or 0) + k end
    io.write(string.format("LAST %s %s\n", users[(t:get("id") % #users) + 1], t:get("last")))
  end
  for status, k in pairs(total) do io.write(string.format("STATUS %d %d\n", status, k)) end
  local e = summary.errors
  io.write(string.format("ERRORS connect=%d read=%d write=%d timeout=%d status=%d\n",
                         e.connect, e.read, e.write, e.timeout, e.status))
  io.write(string.format("REQUESTS %d\n", summary.requests))
end
