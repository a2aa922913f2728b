-- wrk script for `kvota-bench http`: each request pushes one ApplicationFiled on a new application
-- stream (always valid, never conflicting). Settings come from the environment:
--   KVOTA_WRK_TOKEN (a region token), KVOTA_WRK_REGION (its region), KVOTA_WRK_BIN (a valid BIN);
--   KVOTA_WRK_PAUSE_MS, when set: each connection pauses that long after an answer before its next
--   push (a paced load instead of back-to-back pushes).
local token = os.getenv("KVOTA_WRK_TOKEN")
local region = os.getenv("KVOTA_WRK_REGION")
local bin = os.getenv("KVOTA_WRK_BIN")
local occurred = os.date("!%Y-%m-%dT%H:%M:%SZ")
local pause = tonumber(os.getenv("KVOTA_WRK_PAUSE_MS") or "")
if pause then delay = function() return pause end end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

local sequence = 0
failures = 0
first_failure = nil

local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

local threads = {}
setup = function(thread)
  thread:set("id", math.random(1, 1000000000))
  table.insert(threads, thread)
end
init = function() math.randomseed(os.time() + (id or 0)) end

request = function()
  sequence = sequence + 1
  local body = '{"deviceId":"wrk","events":[{"eventId":"' .. uuid() .. '","stream":"application-' .. uuid()
    .. '","expectedVersion":-1,"type":"ApplicationFiled","data":{"region":"' .. region
    .. '","year":2026,"line":"foreign-labour","employerBin":"' .. bin
    .. '","category":"cat3","workers":2,"sector":"F","countryOfOrigin":"CN","vacancyRef":"wrk-' .. sequence
    .. '","vacancyPostedOn":"2026-01-05"},"occurredAt":"' .. occurred .. '"}]}'
  return wrk.format(nil, "/v1/sync/push", nil, body)
end

response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"status":"accepted"', 1, true) then
    failures = failures + 1
    if not first_failure then first_failure = status .. " " .. string.sub(body, 1, 200) end
  end
end

-- Lines the benchmark reads back.
done = function(summary, latency, requests)
  io.write(string.format("KVOTA requests %d seconds %.3f\n", summary.requests, summary.duration / 1e6))
  for _, p in ipairs({ 50, 90, 99 }) do
    io.write(string.format("KVOTA p%d %.3f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("KVOTA max %.3f\n", latency.max / 1000))
  local refused = 0
  for _, thread in ipairs(threads) do
    refused = refused + thread:get("failures")
    local first = thread:get("first_failure")
    if first then io.write("KVOTA first-failure " .. first .. "\n") end
  end
  io.write(string.format("KVOTA errors %d\n", refused + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
