-- Capacity leases: a replica takes a chunk of a limit's capacity, admits from it locally, and posts back what it used
-- and what it does not need, in one atomic call for all the limits of one organization (docs/limits-and-budgets.md,
-- "Leases"). ARGV[1] replica id, ARGV[2] lease TTL in Redis (ms), ARGV[3] number of ops, ARGV[4] share divisor (a grant
-- is at most the free capacity divided by it), then 8 values per op: kind, index into KEYS, a, b, c, d, e, f
--   g  rate (GCRA): a = emission interval T (us), b = burst tolerance tau (us), c = units given back (negative: units
--      used beyond the lease, charged), d = units wanted (0: none), e = least grant worth taking (below it: none),
--      f = units the replica keeps of its lease after c (listed with the grant)
--   q  quota / budget (member "L/<lease id>:<amount>" of the holds zset <key>:h): a = limit, b = the lease's amount as
--      Redis holds it (0: none), c = used since the last call (added to spent), d = amount still held by requests in
--      flight, e = amount wanted (0: none, the lease is kept and renewed; -1: close it down to d), f = least grant
--      worth taking
--   p  a deployment's pace (hash tl:pace:...): a = requests admitted from leases toward it since the last call, added
--      to its per-second request count as the admission script counts them (a first 429 paces from what it took)
-- Every lease is listed in <key>:L (lease ids scored by expiry), which the admission script reads to tell a replica
-- starving near a limit from one that is really at it. Answers per op: the lease's new amount (g: units) and the grant,
-- or -1 when the lease is gone (a counter lost or re-created, or the lease expired and was charged in full).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rid = ARGV[1]
local ttl_ms = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local div = tonumber(ARGV[4])
local expires = now + ttl_ms * 1000
local keep_ms = string.format('%d', ttl_ms + 60000)
local function fmt(x) return string.format('%d', x) end
local function listed(key, lid, units)
  local lk = key .. ':L'
  if units > 0 then
    redis.call('ZADD', lk, fmt(expires), lid)
    redis.call('PEXPIRE', lk, keep_ms)
  else
    redis.call('ZREM', lk, lid)
  end
end
local out = {}
for i = 0, n - 1 do
  local base = 5 + i * 9
  local kind = ARGV[base]
  local key = KEYS[tonumber(ARGV[base + 1])]
  local a = tonumber(ARGV[base + 2])
  local b = tonumber(ARGV[base + 3])
  local c = tonumber(ARGV[base + 4])
  local d = tonumber(ARGV[base + 5])
  local e = tonumber(ARGV[base + 6])
  local f = tonumber(ARGV[base + 7])
  local lid = rid .. '/' .. ARGV[base + 8]
  if kind == 'g' then
    local tat = tonumber(redis.call('GET', key) or '0')
    if tat < now then tat = now end
    tat = tat - a * c
    if tat < now then tat = now end
    local grant = 0
    if d > 0 then
      local free = math.floor((b - (tat - now)) / a)
      grant = math.min(d, math.floor(free / div))
      if grant < e then grant = 0 end
      tat = tat + a * grant
    end
    if tat > now then
      redis.call('SET', key, fmt(tat), 'PX', fmt(math.ceil((tat - now) / 1000) + 1))
    else
      redis.call('DEL', key)
    end
    listed(key, lid, grant + f)
    out[#out + 1] = fmt(grant + f)
    out[#out + 1] = fmt(grant)
  elseif kind == 'p' then
    local sec = math.floor(now / 1000000)
    local h = redis.call('HMGET', key, 'sec', 'cnt')
    local was = tonumber(h[1] or '0')
    if was ~= sec then
      local last = '0'
      if was == sec - 1 then last = h[2] or '0' end
      redis.call('HSET', key, 'sec', fmt(sec), 'cnt', fmt(a), 'last', last)
      redis.call('PEXPIRE', key, 3600000)
    else
      redis.call('HINCRBY', key, 'cnt', fmt(a))
    end
    out[#out + 1] = '0'
    out[#out + 1] = '0'
  else
    local hz = key .. ':h'
    local h = redis.call('HMGET', key, 'spent', 'held')
    local member = 'L/' .. lid .. ':' .. fmt(b)
    if not h[1] or (b > 0 and not redis.call('ZSCORE', hz, member)) then
      -- no counter (it is seeded from the ledger, which holds what was used), or the lease expired and was charged
      if h[1] then listed(key, lid, 0) end
      out[#out + 1] = '-1'
      out[#out + 1] = '0'
    else
      local spent = tonumber(h[1])
      local held = tonumber(h[2] or '0')
      if c ~= 0 then spent = redis.call('HINCRBY', key, 'spent', fmt(c)) end
      if b > 0 then redis.call('ZREM', hz, member) end
      held = held - b
      local amount = d
      if e >= 0 then amount = math.max(b - c, d) end
      local grant = 0
      if e > 0 then
        local free = a - spent - held - amount
        grant = math.min(e, math.floor(free / div))
        if grant < f then grant = 0 end
        amount = amount + grant
      end
      held = held + amount
      redis.call('HINCRBY', key, 'held', fmt(amount - b))
      if amount > 0 then
        redis.call('ZADD', hz, fmt(expires), 'L/' .. lid .. ':' .. fmt(amount))
        redis.call('PEXPIRE', hz, keep_ms)
      end
      listed(key, lid, amount)
      out[#out + 1] = fmt(amount)
      out[#out + 1] = fmt(grant)
    end
  end
end
return out
