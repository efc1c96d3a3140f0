-- Settle: replaces a request's holds by what it actually used, once (a done marker makes a second settle a no-op).
-- KEYS[1] the done marker; ARGV[1] request id, ARGV[2] done marker TTL (ms), ARGV[3] number of ops,
-- ARGV[4] initial pace (milli-requests/s), ARGV[5] pace forget time (ms), ARGV[6] the PostgreSQL transaction that
-- committed this request's ledger row (0: not known; then no seed is taken to hold it), then 6 values per op:
--   kind, index into KEYS, a, b, c, d
--   q  quota/budget counter: a = amount held, b = amount used, c = soft threshold (0: none), d = index of alert key
--      (a hold already released by expiry is a late post: only the use is added)
--   g  tokens-per-minute GCRA: a = emission interval (us), b = tokens reserved, c = tokens used
--   c  concurrency slot to free
--   p  deployment pace: a = 1 when the upstream answered 429 or said it is nearly exhausted (rate-limit headers),
--      b = decrease (per mille), c = increase and d = minimum (milli-requests/s)
-- Answers {'DUP'} or {'OK', per q: spent, alert fired (1/0); per p: learned rate}.
-- the marker is set first: the script is atomic, so nothing else can see it before the counters change
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then
  return {'DUP'}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local id = ARGV[1]
local n = tonumber(ARGV[3])
local initial = tonumber(ARGV[4])
local forget_us = tonumber(ARGV[5]) * 1000
local transaction = tonumber(ARGV[6])
local function fmt(x) return string.format('%d', x) end
-- whether a ledger read under snapshot snap (PostgreSQL's pg_snapshot text, "xmin:xmax:xip,...") saw the transaction:
-- committed before it began, i.e. below xmin, or below xmax and not among those still in progress
local function saw(snap)
  local xmin, xmax, xip = string.match(snap, '^(%d+):(%d+):(.*)$')
  if not xmin then return false end
  if transaction < tonumber(xmin) then return true end
  if transaction >= tonumber(xmax) then return false end
  for x in string.gmatch(xip, '%d+') do
    if tonumber(x) == transaction then return false end
  end
  return true
end
local out = {'OK'}
for i = 0, n - 1 do
  local base = 7 + i * 6
  local kind = ARGV[base]
  local key = KEYS[tonumber(ARGV[base + 1])]
  local a = tonumber(ARGV[base + 2])
  local b = tonumber(ARGV[base + 3])
  local c = tonumber(ARGV[base + 4])
  local d = tonumber(ARGV[base + 5])
  if kind == 'q' then
    local removed = redis.call('ZREM', key .. ':h', id .. ':' .. fmt(a))
    local f = redis.call('HMGET', key, 'spent', 'snap')
    local spent = 0
    -- a counter lost with Redis (or gone with its window) is re-seeded from the ledger, which has this request's row:
    -- never recreate it here (seeding always writes spent); and one seeded from a read that saw the row holds it already
    if f[1] then
      if removed == 1 then redis.call('HINCRBY', key, 'held', fmt(-a)) end
      if transaction > 0 and f[2] and saw(f[2]) then
        spent = tonumber(f[1])
      else
        spent = redis.call('HINCRBY', key, 'spent', fmt(b))
      end
    end
    local fired = '0'
    if c > 0 and d > 0 and spent >= c then
      local pttl = redis.call('PTTL', key)
      if pttl < 0 then pttl = 2764800000 end
      if redis.call('SET', KEYS[d], fmt(now), 'NX', 'PX', fmt(pttl)) then fired = '1' end
    end
    out[#out + 1] = fmt(spent)
    out[#out + 1] = fired
  elseif kind == 'g' then
    local tat = tonumber(redis.call('GET', key) or '0')
    if tat > 0 and c ~= b then
      local base_tat = tat
      if c > b and base_tat < now then base_tat = now end
      local new_tat = base_tat + a * (c - b)
      if new_tat > now then
        redis.call('SET', key, fmt(new_tat), 'PX', fmt(math.ceil((new_tat - now) / 1000) + 1))
      else
        redis.call('DEL', key)
      end
    end
  elseif kind == 'c' then
    redis.call('ZREM', key, id)
  elseif kind == 'p' then
    local f = redis.call('HMGET', key, 'rate', 'until', 'cut', 'last')
    local rate = tonumber(f[1] or '0')
    local untl = tonumber(f[2] or '0')
    local cut = tonumber(f[3] or '0')
    local changed = false
    if rate > 0 and now >= untl then
      redis.call('HDEL', key, 'rate', 'until', 'cut', 'tat')
      rate = 0
      cut = 0
      changed = true
    end
    if a == 1 then
      if now - cut >= 1000000 then
        if rate == 0 then
          rate = tonumber(f[4] or '0') * 1000
          if rate <= 0 then rate = initial end
        end
        rate = math.max(d, math.floor(rate * b / 1000))
        redis.call('HSET', key, 'rate', fmt(rate), 'cut', fmt(now), 'until', fmt(now + forget_us))
      else
        redis.call('HSET', key, 'until', fmt(now + forget_us))
      end
      changed = true
    elseif rate > 0 then
      rate = rate + c
      redis.call('HSET', key, 'rate', fmt(rate))
      changed = true
    end
    if changed then redis.call('PEXPIRE', key, 3600000) end
    out[#out + 1] = fmt(rate)
  end
end
return out
