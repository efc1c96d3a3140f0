-- wrk script: POST an OpenAI-style chat completion request.
-- The Authorization header is passed per target on the wrk command line (-H),
-- so the same script drives every target. BENCH_BODY overrides the body.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = os.getenv("BENCH_BODY")
  or '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}'
