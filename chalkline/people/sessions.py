"""The session engine: Django's database sessions, each row tagged with its user.

``SESSION_ENGINE = "chalkline.people.sessions"``. The rows live in ``people_user_session``
(``UserSession``) with an indexed ``user_id``, so ending every session of a list of users (leavers
deactivated by a roster import) is one indexed DELETE, however many sessions the site holds.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db.models import QuerySet

from chalkline.people.models import UserSession

AUTH_USER_KEY = "_auth_user_id"  # django.contrib.auth's session key for the signed-in user


def _user_id(data: dict[str, Any]) -> int | None:
    try:
        return int(data[AUTH_USER_KEY])
    except (KeyError, TypeError, ValueError):
        return None


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        obj = super().create_model_instance(data)
        assert isinstance(obj, UserSession)  # noqa: S101 - get_model_class above
        obj.user_id = _user_id(data)
        return obj

    async def acreate_model_instance(self, data: dict[str, Any]) -> UserSession:
        obj = await super().acreate_model_instance(data)
        assert isinstance(obj, UserSession)  # noqa: S101 - get_model_class above
        obj.user_id = _user_id(data)
        return obj


def end_sessions(user_ids: QuerySet[Any, Any]) -> int:
    """Delete every session of the users a query selects (one DELETE with a subquery on the
    indexed user id); returns how many were ended."""
    return UserSession.objects.filter(user_id__in=user_ids).delete()[0]
