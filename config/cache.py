"""Django's Redis cache, reusing one client per connection pool.

Django builds a new redis.Redis object (with its ~170 response callbacks) for every cache
call; on a page that reads its session from Redis that was a tenth of the request's time
(benchmarks/README.md). A redis.Redis over a connection pool is thread-safe, so one per pool is
enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _Client(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_redis_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
