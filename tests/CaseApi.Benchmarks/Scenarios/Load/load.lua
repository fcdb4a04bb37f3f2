-- The load benchmark's requests (tests/CaseApi.Benchmarks, README: "Benchmarks").
-- Arguments after "--": a targets file ("METHOD<tab>path<tab>API key" a line), the share of requests that are sends,
-- and the number of threads. GETs are picked at random; each POST (sending a draft letter, which works once) is sent
-- once, the threads taking turns over the file's POSTs. A thread whose POSTs run out sends only GETs, or stops when
-- it has none, and says so in the result.
local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file, thread_count = args[1], tonumber(args[3])
   send_share = tonumber(args[2])
   reads, sends, next_send, exhausted = {}, {}, 1, false
   local posts = 0
   for line in io.lines(file) do
      local method, path, key = line:match("^(%u+)\t(%S+)\t(%S+)$")
      local headers = { ["Authorization"] = "Bearer " .. key }
      if method == "POST" then
         if posts % thread_count == tid then
            headers["Content-Type"] = "application/json"
            headers["If-Match"] = '"1"'
            table.insert(sends, wrk.format("POST", path, headers, '{"responsePeriod":"P14D"}'))
         end
         posts = posts + 1
      else
         table.insert(reads, wrk.format("GET", path, headers))
      end
   end
   math.randomseed(1000 + tid)
end

function request()
   if next_send <= #sends and (#reads == 0 or math.random() < send_share) then
      next_send = next_send + 1
      return sends[next_send - 1]
   end
   if #reads == 0 then
      exhausted = true
      wrk.thread:stop()
      return sends[#sends]
   end
   if next_send > #sends and #sends > 0 then
      exhausted = true
   end
   return reads[math.random(#reads)]
end

function done(summary, latency, requests)
   local exhausted_threads = 0
   for _, thread in ipairs(threads) do
      if thread:get("exhausted") then
         exhausted_threads = exhausted_threads + 1
      end
   end
   local errors = summary.errors
   io.write(string.format(
      'RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"non2xx":%d,"timeouts":%d,' ..
      '"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"exhaustedThreads":%d}\n',
      summary.requests, summary.duration, summary.bytes, errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, exhausted_threads))
end
