"""User accounts. Everyone signs in with their work email; each account belongs to one trust."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who can sign in: staff, governors, external advisers, trust officers."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    trust = models.ForeignKey(
        "organisation.Trust",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="The trust this account belongs to. Every page is scoped to it.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment, misc]
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class UserSession(AbstractBaseSession):
    """A signed-in session, stored with the id of the account it belongs to.

    Django's own session table cannot be searched by account (the user id sits inside the
    encoded data), so ending every session of a deactivated account would mean decoding
    every row. Keeping the account on the row itself (Django's documented way of extending
    the database session engine, see ``accounts.sessions``) makes that one indexed delete,
    and stays right when the session key changes (sign-in, password change).
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from .sessions import SessionStore

        return SessionStore

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"


class Invitation(models.Model):
    """An email telling someone their account exists, with a link to choose a password.

    The link is Django's password-reset token (through allauth's "reset password from key"
    page): it works once, because choosing a password changes what the token is made from,
    and only for ``PASSWORD_RESET_TIMEOUT`` after it was sent. A row is written when the
    email is asked for and marked sent once it has gone, so a task delivered twice sends once.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="invitation_user_recent")]

    def __str__(self) -> str:
        return f"Invitation for {self.user}"
