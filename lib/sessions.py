"""Sessions in PostgreSQL (Django's database engine) that never query with a forged key.

Django makes session keys from `VALID_KEY_CHARS` alone. A cookie holding anything else was
never issued, so it is no session at all, as an unknown key is, instead of a query
PostgreSQL refuses (it takes no NUL in text) and a 500.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS

KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)
# The length of the sessions table's key column.
MAX_KEY_LENGTH = 40


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        return bool(
            super()._validate_session_key(key)
            and len(key) <= MAX_KEY_LENGTH
            and KEY_CHARACTERS.issuperset(key)
        )
