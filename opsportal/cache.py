"""A Redis cache that fails open: while Redis is away every read is a miss and every write is dropped.

Everything OpsPortal keeps in the cache can be recomputed (chart SVGs and PNGs, the API schema) or is a
budget that may be skipped for a few seconds (the API throttle). A Redis restart must therefore
slow pages down, not answer 500 (issue 19: a 15-second outage gave 77 × 500). Each outage is
logged once per ``LOG_EVERY`` seconds per process, not once per request.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger("opsportal.cache")

LOG_EVERY = 30.0


def _fail_open(default_factory):
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self._report(method.__name__, error)
                return default_factory(*args, **kwargs)

        return wrapper

    return decorator


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, with short socket timeouts and errors turned into misses."""

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # A Redis that hangs must not hold a web worker for longer than a slow page.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._last_report = 0.0

    def _report(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - self._last_report >= LOG_EVERY:
            self._last_report = now
            log.warning("cache unavailable, failing open (%s): %s: %s", operation, type(error).__name__, error)

    get = _fail_open(lambda key, default=None, *a, **k: default)(RedisCache.get)
    set = _fail_open(lambda *a, **k: None)(RedisCache.set)
    add = _fail_open(lambda *a, **k: False)(RedisCache.add)
    touch = _fail_open(lambda *a, **k: False)(RedisCache.touch)
    delete = _fail_open(lambda *a, **k: False)(RedisCache.delete)
    get_many = _fail_open(lambda *a, **k: {})(RedisCache.get_many)
    set_many = _fail_open(lambda *a, **k: [])(RedisCache.set_many)
    delete_many = _fail_open(lambda *a, **k: None)(RedisCache.delete_many)
    has_key = _fail_open(lambda *a, **k: False)(RedisCache.has_key)
    incr = _fail_open(lambda key, delta=1, *a, **k: delta)(RedisCache.incr)
    clear = _fail_open(lambda *a, **k: False)(RedisCache.clear)
