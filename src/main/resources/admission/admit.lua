-- Admission: checks every limit of a request and reserves all-or-nothing, in one atomic call.
-- ARGV[1] request id, ARGV[2] hold TTL (ms), ARGV[3] number of checks, then 6 values per check:
--   kind, index into KEYS, a, b, c, scope label
--   g  GCRA (requests or tokens per minute): a = emission interval T (us), b = burst tolerance tau (us), c = cost
--   c  concurrency slots (zset of request ids scored by expiry): a = maximum, b = slot TTL (ms; 0: the hold TTL),
--      renewed by the running request's replica (renew.lua)
--   q  token quota / b budget (hash spent, held; zset <key>:h of "<id>:<amount>" scored by expiry): a = limit, b = amount
--   p  upstream deployment pace learned from its 429s and exhaustion signals (hash rate in milli-requests/s, tat,
--      ...): a = burst (us)
-- After the checks, optionally: the index into KEYS of the request's void marker, set when its replica gave the
-- admission up (no answer in time) and released whatever it might have reserved: such a request reserves nothing.
-- Answers {'OK', remaining, reset_us per g check...}, {'DENY', reason, scope, value, check, starving (1: another
-- replica holds a lease on that limit and was asked to give it back)}, {'SEED', check...}
-- (counters that do not exist yet and must be seeded from the ledger first) or {'VOID'}. Time is Redis's own.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local id = ARGV[1]
local ttl_us = tonumber(ARGV[2]) * 1000
local n = tonumber(ARGV[3])
local function fmt(x) return string.format('%d', x) end
local keep_ms = fmt(ttl_us / 1000 + 60000)
local void = ARGV[4 + n * 6]
if void and redis.call('EXISTS', KEYS[tonumber(void)]) == 1 then
  return {'VOID'}
end

-- releases holds whose request never settled (a crashed replica): they expire with their TTL. Their request ids go to
-- the tenant's orphans (same hash slot), where the reconciliation looks for their ledger rows and posts what they used.
-- Runs at most once a second per counter (field swept), and whenever the expired holds could be what refuses a request;
-- it also keeps the holds' zset alive. Answers the amount released.
local function sweep(k)
  local hz = k .. ':h'
  local expired = redis.call('ZRANGEBYSCORE', hz, '-inf', now, 'LIMIT', 0, 500)
  local total = 0
  if #expired > 0 then
    local orphans = string.match(k, '^(.-}:)') .. 'orphans'
    local charged = 0
    for _, m in ipairs(expired) do
      local rid, amount = string.match(m, '^(.*):(%d+)$')
      total = total + tonumber(amount)
      if string.sub(rid, 1, 2) == 'L/' then
        -- a capacity lease its replica stopped renewing (it died): what it admitted is unknown, so all of it is spent
        charged = charged + tonumber(amount)
      else
        redis.call('ZADD', orphans, 'NX', fmt(now), rid)
      end
    end
    if charged > 0 then redis.call('HINCRBY', k, 'spent', fmt(charged)) end
    redis.call('PEXPIRE', orphans, 86400000)
    redis.call('ZREM', hz, unpack(expired))
    redis.call('HINCRBY', k, 'held', fmt(-total))
  end
  redis.call('HSET', k, 'swept', fmt(now))
  redis.call('PEXPIRE', hz, keep_ms)
  return total
end

-- a refusal while another replica holds a lease on the limit: ask every replica to give back what it leased there
-- (channel tl:leases:starve), and tell the caller, which tries again shortly
local function starving(key)
  local lk = key .. ':L'
  redis.call('ZREMRANGEBYSCORE', lk, '-inf', now)
  if redis.call('ZCARD', lk) > 0 then
    redis.call('PUBLISH', 'tl:leases:starve', key)
    return '1'
  end
  return '0'
end

local missing = {}
local plan = {}
local out = {}
for i = 0, n - 1 do
  local base = 4 + i * 6
  local kind = ARGV[base]
  local key = KEYS[tonumber(ARGV[base + 1])]
  local a = tonumber(ARGV[base + 2])
  local b = tonumber(ARGV[base + 3])
  local c = tonumber(ARGV[base + 4])
  local scope = ARGV[base + 5]
  if kind == 'g' then
    local tat = tonumber(redis.call('GET', key) or '0')
    if tat < now then tat = now end
    local new_tat = tat + a * c
    local allow_at = new_tat - b
    if now < allow_at then
      return {'DENY', 'rate', scope, fmt(allow_at - now), fmt(i), starving(key)}
    end
    plan[#plan + 1] = {'g', key, new_tat}
    out[#out + 1] = fmt(math.floor((b - (new_tat - now)) / a))
    out[#out + 1] = fmt(new_tat - now)
  elseif kind == 'c' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    if redis.call('ZCARD', key) >= a then
      return {'DENY', 'parallel', scope, '1000000', fmt(i)}
    end
    plan[#plan + 1] = {'c', key, b}
  elseif kind == 'q' or kind == 'b' then
    local f = redis.call('HMGET', key, 'spent', 'held', 'swept')
    if not f[1] then
      missing[#missing + 1] = fmt(i) -- seeding always writes spent: no spent, no counter
    else
      local spent = tonumber(f[1])
      local held = tonumber(f[2] or '0')
      local swept = now - tonumber(f[3] or '0') < 1000000
      if not swept then
        held = held - sweep(key)
      end
      if spent + held + b > a and swept then
        held = held - sweep(key)
      end
      if spent + held + b > a then
        return {'DENY', kind == 'b' and 'budget' or 'quota', scope, fmt(a - spent - held), fmt(i), starving(key)}
      end
      plan[#plan + 1] = {'q', key, b, held == 0}
    end
  elseif kind == 'p' then
    local f = redis.call('HMGET', key, 'rate', 'until', 'tat', 'sec', 'cnt')
    local rate = tonumber(f[1] or '0')
    local untl = tonumber(f[2] or '0')
    local new_tat = 0
    if rate > 0 and now < untl then
      local T = 1000000000 / rate
      local tau = math.max(a, T)
      local tat = tonumber(f[3] or '0')
      if tat < now then tat = now end
      new_tat = tat + T
      if now < new_tat - tau then
        return {'DENY', 'pace', scope, fmt(new_tat - tau - now), fmt(i)}
      end
    end
    plan[#plan + 1] = {'p', key, new_tat, tonumber(f[4] or '0'), f[5] or '0'}
  end
end
if #missing > 0 then
  return {'SEED', unpack(missing)}
end

local expires = now + ttl_us
for _, p in ipairs(plan) do
  if p[1] == 'g' then
    redis.call('SET', p[2], fmt(p[3]), 'PX', fmt(math.ceil((p[3] - now) / 1000) + 1))
  elseif p[1] == 'c' then
    local slot_expires = expires
    if p[3] > 0 then slot_expires = now + p[3] * 1000 end
    redis.call('ZADD', p[2], fmt(slot_expires), id)
    redis.call('PEXPIRE', p[2], keep_ms)
  elseif p[1] == 'q' then
    redis.call('HINCRBY', p[2], 'held', fmt(p[3]))
    redis.call('ZADD', p[2] .. ':h', fmt(expires), id .. ':' .. fmt(p[3]))
    -- nothing held: the zset is new (a sweep keeps an existing one alive)
    if p[4] then redis.call('PEXPIRE', p[2] .. ':h', keep_ms) end
  elseif p[1] == 'p' then
    -- requests per second seen by this deployment, so that its first 429 starts pacing from what it took
    local sec = math.floor(now / 1000000)
    if p[4] ~= sec then
      local last = '0'
      if p[4] == sec - 1 then last = p[5] end
      redis.call('HSET', p[2], 'sec', fmt(sec), 'cnt', '1', 'last', last)
      redis.call('PEXPIRE', p[2], 3600000)
    else
      redis.call('HINCRBY', p[2], 'cnt', 1)
    end
    if p[3] > 0 then redis.call('HSET', p[2], 'tat', fmt(p[3])) end
  end
end
table.insert(out, 1, 'OK')
return out
