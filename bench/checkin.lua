-- wrk script: each request is a JSON check-in by a different participant
-- (one check-in per participant per day), with a unique client_id.
-- TOKENS names the file of participant tokens (bench/checkin_setup);
-- CAMPAIGN the campaign to check in to (default 1), one per run so that a
-- later run's participants have not checked in yet. With PHOTO (a JPEG
-- file; empty: none) each check-in is multipart with that photo, made unique by its
-- client_id appended after the image (the store keeps photos by content).
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

local boundary = "qunying-bench-7f3a"

local function part(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" ..
         name .. "\"\r\n\r\n" .. value .. "\r\n"
end

local function build_photo(token, campaign, client_id)
  local body = part("campaign_id", campaign) .. part("client_id", client_id) ..
               part("text", "今天读了二十分钟") .. part("duration_s", "1200") ..
               "--" .. boundary .. "\r\nContent-Disposition: form-data;" ..
               " name=\"photo\"; filename=\"p.jpg\"\r\nContent-Type:" ..
               " image/jpeg\r\n\r\n" .. photo .. client_id .. "\r\n--" ..
               boundary .. "--\r\n"
  return "POST /api/v1/mp/checkins HTTP/1.1\r\nHost: " .. wrk.headers["Host"] ..
         "\r\nContent-Type: multipart/form-data; boundary=" .. boundary ..
         "\r\nAuthorization: Bearer " .. token .. "\r\nContent-Length: " ..
         #body .. "\r\n\r\n" .. body
end

local function build(token, campaign, client_id)
  if photo then return build_photo(token, campaign, client_id) end
  local body = '{"campaign_id":"' .. campaign ..
               '","text":"今天读了二十分钟","duration_s":1200,' ..
               '"client_id":"' .. client_id .. '"}'
  return "POST /api/v1/mp/checkins HTTP/1.1\r\nHost: " .. wrk.headers["Host"] ..
         "\r\nContent-Type: application/json\r\nAuthorization: Bearer " ..
         token .. "\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
end

-- Every request this thread can send is built in init, before wrk starts its
-- clock: the load generator shares the server's two cores, and building a
-- request per call cost it about 14 us of CPU per check-in more than the
-- fixed /healthz request costs (see docs/benchmarks.md).
function init(args)
  local tokens = {}
  for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  campaign = os.getenv("CAMPAIGN") or "1"
  local photo_file = os.getenv("PHOTO")
  if photo_file and photo_file ~= "" then
    local f = assert(io.open(photo_file, "rb"))
    photo = f:read("*a")
    f:close()
  end
  mine = {}
  requests = {}
  n = 0
  -- Thread `id` takes participants id+1, id+1+nthreads, ... once each.
  for i = id + 1, #tokens, nthreads do
    mine[#mine + 1] = tokens[i]
    -- A photo request is built when sent: prebuilt, a run's would not fit
    -- in memory.
    if not photo then
      requests[#mine] = build(tokens[i], campaign,
                              "bench-" .. campaign .. "-" .. id .. "-" .. #mine)
    end
  end
end

-- Past the last participant a run starts over with new client ids: those
-- participants have checked in today, so the server answers 409 and wrk
-- counts non-2xx, where replaying a request would get the first answer
-- again (200) and hide that the run outgrew its participants.
function request()
  n = n + 1
  if n <= #requests then return requests[n] end
  return build(mine[(n - 1) % #mine + 1], campaign,
               "bench-" .. campaign .. "-" .. id .. "-" .. n)
end
