-- Renews the concurrency slots of requests still running, so that a slot lives a short TTL and only a request that
-- stopped being renewed (its replica crashed, or its admission was given up) loses it. Slots already freed stay freed.
-- KEYS: slot zsets (one organization's: one hash slot); ARGV[1] the slot TTL (ms), then per key the request id.
local t = redis.call('TIME')
local expires = string.format('%d', tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1]) * 1000)
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', expires, ARGV[i + 1])
end
return #KEYS
