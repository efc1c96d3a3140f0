-- wrk script: POST an OpenAI-style chat completion request.
-- The Authorization header is passed per target on the wrk command line (-H),
-- so the same script drives every target. BENCH_BODY overrides the body.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = os.getenv("BENCH_BODY")
  or '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}'

-- BENCH_STATUS_DETAIL=1: count responses by status other than 200 and print
-- them at the end. Diagnosis only: a response() hook makes wrk slower.
if os.getenv("BENCH_STATUS_DETAIL") == "1" then
  local threads = {}

  function setup(thread)
    table.insert(threads, thread)
  end

  function init(args)
    statuses = {}
  end

  function response(status, headers, body)
    if status ~= 200 then
      statuses[status] = (statuses[status] or 0) + 1
      if not first_body then first_body = body end
    end
  end

  function done(summary, latency, requests)
    for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses") or {}) do
        io.write(string.format("  Status %d: %d\n", status, count))
      end
      local body = thread:get("first_body")
      if body then io.write("  First non-200 body: " .. string.sub(body, 1, 300) .. "\n") end
    end
  end
end
