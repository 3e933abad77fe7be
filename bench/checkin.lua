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

-- Every request this thread can send is built here, before wrk starts its
-- clock: the load generator shares the server's two cores, and building a
-- request per call cost it about 14 us of CPU per check-in more than the
-- fixed /healthz request costs (see docs/benchmarks.md).
function init(args)
  local tokens = {}
  for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  local campaign = os.getenv("CAMPAIGN") or "1"
  local host = wrk.headers["Host"]
  requests = {}
  n = 0
  -- Thread `id` takes participants id+1, id+1+nthreads, ... once each.
  for i = id + 1, #tokens, nthreads do
    local k = #requests + 1
    local body = '{"campaign_id":"' .. campaign ..
                 '","text":"今天读了二十分钟","duration_s":1200,' ..
                 '"client_id":"bench-' .. campaign .. '-' .. id .. '-' .. k .. '"}'
    requests[k] = "POST /api/v1/mp/checkins HTTP/1.1\r\nHost: " .. host ..
                  "\r\nContent-Type: application/json\r\nAuthorization: Bearer " ..
                  tokens[i] .. "\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
  end
end

function request()
  n = n + 1
  return requests[(n - 1) % #requests + 1]
end
