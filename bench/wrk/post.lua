-- POST with pre-fetched sessions (cookie + CSRF token), round robin so no session is used
-- by two connections at once: wrk -t T -s post.lua URL -- SESSIONS_FILE PATH SKUS_FILE|- T
-- Thread i uses sessions i, i+T, i+2T...
-- Each session line: the Cookie header, a tab, the form body. "{sku}" in a body is replaced
-- by a random SKU from SKUS_FILE on every request.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local sessions, skus, path = {}, {}, "/"
local counter = 0
local threads = 1
thread_index = 0  -- a global: setup() sets it in each thread

function setup(thread)
  thread:set("thread_index", thread_index)
  thread_index = thread_index + 1
end

function init(args)
  for line in io.lines(args[1]) do
    local cookie, body = line:match("^([^\t]*)\t(.*)$")
    if cookie then sessions[#sessions + 1] = {cookie = cookie, body = body} end
  end
  path = args[2]
  threads = tonumber(args[4] or "1")
  if args[3] and args[3] ~= "-" then
    for line in io.lines(args[3]) do
      if #line > 0 then skus[#skus + 1] = line end
    end
  end
  counter = 0
  math.randomseed(os.time() + (thread_index or 0))
end

function request()
  counter = counter + 1
  local s = sessions[((counter * threads + thread_index) % #sessions) + 1]
  local body = s.body
  if #skus > 0 then
    body = body:gsub("{sku}", skus[math.random(#skus)])
  end
  return wrk.format("POST", path, {
    ["Cookie"] = s.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function done(summary, latency, requests)
  bench_report(summary, latency)
end
