// The Lua scripts of the Redis engine. Each runs atomically on the server, and every key it touches
// carries the `{name}` hash tag, so on a Redis Cluster all of them live in one slot.
import { createHash } from 'node:crypto';

export interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * KEYS: state hash, lock. ARGV: idle ttl ms, base login generation, mode (merge|login), fence or '',
 * channel, a new epoch id, n, n field/value pairs, m, m fields to delete.
 * A merge is refused when the state moved on to another login since the writer's; a login write
 * needs the lock it was fenced with (or, without a fence, an unchanged login generation), replaces
 * every field and starts a login generation. The epoch id is set when the hash is created: a new one
 * tells the processes the store lost the state (restart, idle TTL). Returns applied, generation,
 * login generation, epoch, fields.
 */
export const SYNC = script(`
local st, lk = KEYS[1], KEYS[2]
local ttl, base, mode, fence, channel = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local lg = tonumber(redis.call('HGET', st, 'lg') or '0')
local gen = tonumber(redis.call('HGET', st, 'g') or '0')
local ok
if mode == 'login' and fence ~= '' then ok = redis.call('GET', lk) == fence else ok = base == lg end
if ok then
  local nset = tonumber(ARGV[7])
  local i = 8
  local changed = false
  if mode == 'login' then
    local keep = {}
    for n = 0, nset - 1 do keep[ARGV[i + 2 * n]] = true end
    for _, f in ipairs(redis.call('HKEYS', st)) do
      if string.sub(f, 1, 2) == 'e:' and not keep[f] then redis.call('HDEL', st, f) end
    end
    changed = true
  end
  for _ = 1, nset do redis.call('HSET', st, ARGV[i], ARGV[i + 1]); i = i + 2; changed = true end
  local ndel = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, ndel do
    if redis.call('HDEL', st, ARGV[i]) == 1 then changed = true end
    i = i + 1
  end
  if changed then
    redis.call('HSETNX', st, 'id', ARGV[6])
    gen = redis.call('HINCRBY', st, 'g', 1)
  end
  if mode == 'login' then lg = gen; redis.call('HSET', st, 'lg', lg) end
  if changed then redis.call('PUBLISH', channel, gen) end
end
if ttl > 0 and redis.call('EXISTS', st) == 1 then redis.call('PEXPIRE', st, ttl) end
local out = {ok and 1 or 0, gen, lg, redis.call('HGET', st, 'id') or ''}
local all = redis.call('HGETALL', st)
for j = 1, #all, 2 do
  if string.sub(all[j], 1, 2) == 'e:' then out[#out + 1] = all[j]; out[#out + 1] = all[j + 1] end
end
return out
`);

/** KEYS: state hash. ARGV: idle ttl ms. The generations and epoch, and the idle timer restarted (the session is in use). */
export const GENERATIONS = script(`
local st = KEYS[1]
if tonumber(ARGV[1]) > 0 and redis.call('EXISTS', st) == 1 then redis.call('PEXPIRE', st, ARGV[1]) end
return {tonumber(redis.call('HGET', st, 'g') or '0'), tonumber(redis.call('HGET', st, 'lg') or '0'), redis.call('HGET', st, 'id') or ''}
`);

/**
 * KEYS: lock, state hash, fence counter. ARGV: lock ttl ms, owner id, idle ttl ms.
 * Free: takes it with a new fencing token. Held: the login generation and the lock's remaining ms.
 */
export const LOCK = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, tonumber(redis.call('HGET', KEYS[2], 'lg') or '0'), redis.call('PTTL', KEYS[1])}
end
local n = redis.call('INCR', KEYS[3])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
local fence = ARGV[2] .. ':' .. n
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return {1, fence}
`);

/** KEYS: lock. ARGV: fence, ttl ms. Extends the lock only for its holder. */
export const EXTEND = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

/** KEYS: lock. ARGV: fence, channel. Frees the lock only for its holder, and wakes the waiters. */
export const UNLOCK = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], 'unlock')
  return 1
end
return 0
`);

/**
 * KEYS: the origin's theoretical arrival time (GCRA), its pause. ARGV: emission interval µs, burst
 * tolerance µs, 'take' or 'reserve'. On Redis' clock: a slot free now is taken (returns 0); else
 * `take` takes nothing and returns the wait (the caller asks again then, so a process that is late
 * to ask takes no slot meanwhile), `reserve` books the next free slot and returns the wait for it.
 */
export const RESERVE = script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local T, tau = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 and tat < now + paused * 1000 + tau then tat = now + paused * 1000 + tau end
local start = tat - tau
if start < now then start = now end
if start > now and ARGV[3] == 'take' then return math.ceil((start - now) / 1000) end
local nextTat = tat + T
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1000)
return math.ceil((start - now) / 1000)
`);

/** KEYS: the origin's pause. ARGV: ms. Pauses the origin for every process, unless it already is for longer. */
export const PAUSE = script(`
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`);
