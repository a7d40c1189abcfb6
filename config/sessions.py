"""Sessions read from the shared cache, written through to the database, and still served by
the database when the cache is unreachable (a cache outage must not sign everybody out or
break every page).
"""

import logging

from django.contrib.sessions.backends import cached_db, db

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("Session cache unavailable; reading the session from the database.")
            return db.SessionStore.load(self)
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:
            logger.warning("Session cache unavailable; the session was read from the database.")
        return data

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:
            return db.SessionStore.exists(self, session_key)

    # save() is Django's: it writes the database, then the cache, and logs a cache failure.

    def delete(self, session_key=None):
        try:
            super().delete(session_key)
        except Exception:
            logger.warning("Session cache unavailable; deleting the session from the database.")
            db.SessionStore.delete(self, session_key)
