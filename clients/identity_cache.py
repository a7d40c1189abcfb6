"""A per-process copy of each signed-in person's identity row, checked on every request
against generation counters in the shared Redis cache.

Correct across processes: every write that changes what a row holds (a user, client,
membership, practice, group or portal setting) bumps a generation in Redis when it commits
(clients.signals), and every request compares the generations its copy was taken under with
the current ones (one Redis round trip) before using it. The generations are read *before* the
database, so a copy can only be older than its generations say, never newer: a change that
commits while a copy is being taken bumps past it. If Redis cannot be reached, the request
reads the database, as it does with no Redis configured at all. Copies also expire after
MAX_AGE seconds, which bounds what a lost bump (Redis down at the moment of a write) can cost.

Copies are rows of plain values; each request builds its own model instances from them, so
nothing one request does to its objects leaks into another.
"""

import logging
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

MAX_AGE = 5.0  # seconds
MAX_ENTRIES = 20_000
EPOCH = "identity:epoch"

_lock = threading.Lock()
_rows: OrderedDict = (
    OrderedDict()
)  # (alias, user_id) -> (generations, organization_id, row, taken_at)
_organization_of: dict = {}  # (alias, user_id) -> organization id seen last time


def _redis():
    """The shared cache's Redis client, or None when the cache is not Redis."""
    cache = caches["default"]
    if not hasattr(cache, "_cache") or not hasattr(cache._cache, "get_client"):
        return None
    return cache._cache.get_client(write=True)


def enabled() -> bool:
    return _redis() is not None


def _prefix() -> str:
    return settings.CACHES["default"].get("KEY_PREFIX", "") + ":"


def user_key(user_id) -> str:
    return f"{_prefix()}identity:u:{user_id}"


def organization_key(organization_id) -> str:
    return f"{_prefix()}identity:o:{organization_id}"


def bump(keys) -> None:
    """Invalidate every copy that depends on these keys, in every process."""
    client = _redis()
    if client is None or not keys:
        return
    try:
        pipeline = client.pipeline(transaction=False)
        for key in keys:
            pipeline.incr(key)
        pipeline.execute()
    except Exception:
        logger.exception(
            "Could not bump identity generations %s; copies expire in %ss.", keys, MAX_AGE
        )


def row_for(user_id, *, alias="default"):
    from clients.identity import fetch_row, organization_of

    client = _redis()
    if client is None:
        return fetch_row(user_id, alias=alias)
    key = (alias, user_id)
    with _lock:
        entry = _rows.get(key)
        guess = entry[1] if entry else _organization_of.get(key)
    try:
        generations = tuple(
            client.mget([f"{_prefix()}{EPOCH}", user_key(user_id), organization_key(guess)])
        )
    except Exception:
        logger.warning(
            "Redis unreachable: reading the identity of user %s from the database.", user_id
        )
        return fetch_row(user_id, alias=alias)
    now = time.monotonic()
    if (
        entry
        and entry[0] == generations
        and generations[0] is not None
        and now - entry[3] < MAX_AGE
    ):
        with _lock:
            _rows.move_to_end(key)
        return entry[2]

    if generations[0] is None:
        # A Redis that has just started (or been emptied): mark this epoch, take no copy yet.
        try:
            client.set(f"{_prefix()}{EPOCH}", str(time.time_ns()), nx=True)
        except Exception:
            logger.warning("Could not mark the identity epoch in Redis.")
        return fetch_row(user_id, alias=alias)
    row = fetch_row(user_id, alias=alias)
    organization = organization_of(row, alias=alias) if row is not None else None
    with _lock:
        _organization_of[key] = organization
        if row is not None and organization == guess:
            _rows[key] = (generations, organization, row, now)
            _rows.move_to_end(key)
            while len(_rows) > MAX_ENTRIES:
                _rows.popitem(last=False)
        else:
            _rows.pop(key, None)
    return row


def clear_local() -> None:
    with _lock:
        _rows.clear()
        _organization_of.clear()
