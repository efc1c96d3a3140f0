-- Seeds quota and budget counters that do not exist (a new window, or counters lost with Redis) from ledger totals.
-- KEYS: the counters; ARGV[1] when the ledger was read (unix us, the seeding replica's clock: every row committed
-- before it is in the totals), then per key the ledger total and the expiry (unix ms). A counter another replica seeded
-- meanwhile is left alone. The counter keeps the read time (field seeded) so that settlements of rows it already
-- holds are not added again.
for i, key in ipairs(KEYS) do
  if redis.call('HSETNX', key, 'spent', ARGV[i * 2]) == 1 then
    redis.call('HSETNX', key, 'held', '0')
    redis.call('HSET', key, 'seeded', ARGV[1])
    redis.call('PEXPIREAT', key, ARGV[i * 2 + 1])
  end
end
return 'OK'
