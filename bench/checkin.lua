-- wrk script: each request is a JSON check-in by a different participant
-- (one check-in per participant per day), with a unique client_id.
-- TOKENS names the file of participant tokens (bench/checkin_setup);
-- CAMPAIGN the campaign to check in to (default 1), one per run so that a
-- later run's participants have not checked in yet.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  tokens = {}
  for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
  n = 0
  nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  campaign = os.getenv("CAMPAIGN") or "1"
end

-- The request is one string concatenation: wrk.format builds and joins a
-- header table per request, which cost the load generator (on the same two
-- cores as the server) 16 us of CPU per request, against 4 us for /healthz.
function request()
  local i = n * nthreads + id + 1
  n = n + 1
  local token = tokens[(i - 1) % #tokens + 1]
  local body = '{"campaign_id":"' .. campaign ..
               '","text":"今天读了二十分钟","duration_s":1200,' ..
               '"client_id":"bench-' .. campaign .. '-' .. id .. '-' .. n .. '"}'
  return "POST /api/v1/mp/checkins HTTP/1.1\r\nHost: " .. wrk.headers["Host"] ..
         "\r\nContent-Type: application/json\r\nAuthorization: Bearer " ..
         token .. "\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
end
