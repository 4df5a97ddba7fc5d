"""Sign-in: Django's model backend, refusing an account whose person record is inactive.

A leaver (their person deactivated by a roster import) can neither sign in nor keep using a
session: ``get_user`` runs for every request with a session, and returns nobody for them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from chalkline.people.models import User


class ActivePersonBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        person = getattr(user, "person", None)
        return person is None or person.active

    def get_user(self, user_id: Any) -> User | None:
        # one query with the person, not two
        user = User.objects.select_related("person").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
