"""The database session engine, with the account's id kept on each row (``UserSession``).

Selected by ``SESSION_ENGINE = "accounts.sessions"``. Behaves exactly like Django's own
database engine otherwise: expiry, ``clearsessions`` and key rotation are unchanged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> Any:
        # Imported here: the session engine is loaded before the app registry is ready.
        from .models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj: Any = super().create_model_instance(data)
        try:
            obj.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            obj.user_id = None
        return obj
