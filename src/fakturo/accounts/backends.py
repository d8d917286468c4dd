from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from fakturo.accounts.models import User


class EmailBackend(ModelBackend):
    """Log in by email, compared case-insensitively (emails are stored lower-case)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (kwargs.get("email") or username or "").strip().lower()
        if not email or password is None:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            User().set_password(password)  # same work either way: no timing oracle on emails
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
