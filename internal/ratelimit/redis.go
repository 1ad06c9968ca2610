package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// bucketScript is the token bucket in Redis, run atomically. It reads Redis's own clock
// so nodes with skewed clocks share one notion of time. A bucket idle long enough to
// refill completely expires, keeping Redis small.
var bucketScript = redis.NewScript(`
local key = KEYS[1]
local rate = tonumber(ARGV[1])   -- tokens per millisecond
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(v[1]) or burst
local ts = tonumber(v[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local ok, wait = 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', key, math.ceil(burst / rate) + 1000)
return {ok, wait}
`)

// Redis is a limiter shared by every node, for limits that must hold across a cluster
// (logins per address, sends per user).
type Redis struct {
	client redis.UniversalClient
	prefix string
	rate   float64 // tokens per millisecond
	burst  int
}

// NewRedis allows burst actions at once and perMinute on average per key, counting in
// the given client under prefix.
func NewRedis(client redis.UniversalClient, prefix string, perMinute, burst int) *Redis {
	return &Redis{client: client, prefix: prefix, rate: float64(perMinute) / 60_000, burst: burst}
}

// Allow takes a token for key.
func (r *Redis) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	res, err := bucketScript.Run(ctx, r.client, []string{r.prefix + "rl:" + key}, r.rate, r.burst).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("ratelimit: redis: %w", err)
	}
	if len(res) != 2 {
		return false, 0, fmt.Errorf("ratelimit: redis: unexpected reply %v", res)
	}
	return res[0] == 1, time.Duration(res[1]) * time.Millisecond, nil
}
