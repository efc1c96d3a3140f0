-- Seeds quota and budget counters that do not exist (a new window, or counters lost with Redis) from ledger totals.
-- KEYS: the counters; ARGV: per key, the ledger total and the expiry (unix ms). A counter another replica seeded
-- meanwhile is left alone.
for i, key in ipairs(KEYS) do
  if redis.call('HSETNX', key, 'spent', ARGV[i * 2 - 1]) == 1 then
    redis.call('HSETNX', key, 'held', '0')
    redis.call('PEXPIREAT', key, ARGV[i * 2])
  end
end
return 'OK'
