-- Seeds quota and budget counters that do not exist (a new window, or counters lost with Redis) from ledger totals.
-- KEYS: the counters; per key three values in ARGV: the ledger total, the expiry (unix ms) and the snapshot of the
-- ledger read (PostgreSQL's pg_snapshot text: which transactions' rows the total holds). A counter another replica
-- seeded meanwhile is left alone. The counter keeps the snapshot (field snap) so that settlements of rows it already
-- holds are not added again.
for i, key in ipairs(KEYS) do
  if redis.call('HSETNX', key, 'spent', ARGV[i * 3 - 2]) == 1 then
    redis.call('HSETNX', key, 'held', '0')
    redis.call('HSET', key, 'snap', ARGV[i * 3])
    redis.call('PEXPIREAT', key, ARGV[i * 3 - 1])
  end
end
return 'OK'
