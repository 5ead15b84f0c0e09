"""The idempotency guard every create form uses: a one-time token, consumed atomically.

A create form carries a fresh random token (``SubmitOnceMixin`` adds it as a hidden field;
``{% submission_token %}`` writes one into a hand-made form). The create view is wrapped in
``@submit_once``: on POST it inserts a ``FormSubmission`` row for (user, token) in the same
transaction as everything the view writes.

* The first request wins the insert, runs the view and, if the view redirects (the form was
  saved), records where it redirected to; if the view shows the form again (a mistake to
  correct), the row is removed so the same form can be sent again once corrected.
* A second request with the same token (a double click, a retry, four tabs at once) blocks on
  the unique index until the first commits, then fails the insert and is sent where the first
  one went, with a message that the form had already been sent. It writes nothing.
* If the first request fails (an error page), its transaction, row included, is rolled back,
  and the token can be used again.

Tokens are signed with a timestamp: a token older than ``TOKEN_MAX_AGE`` (or forged) is
refused by the form, which shows a fresh one, so rows older than that can be deleted without
allowing a replay.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone

from .models import FormSubmission

FIELD_NAME = "submission_token"
TOKEN_MAX_AGE = dt.timedelta(hours=24)
_SALT = "submissions.form-token"
EXPIRED_MESSAGE = (
    "This form was open too long or had already been sent. Check your answers and send it again."
)
REPLAYED_MESSAGE = "This form had already been sent, so it was saved only once."

View = Callable[..., HttpResponse]


def issue_token() -> str:
    """A fresh signed one-time token for one rendering of a create form."""
    return signing.TimestampSigner(salt=_SALT).sign(secrets.token_urlsafe(16))


def read_token(value: object) -> str | None:
    """The token's random part if ``value`` is a token this site issued and still in date."""
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    try:
        return signing.TimestampSigner(salt=_SALT).unsign(value, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None


def _posted_token(request: HttpRequest) -> str | None:
    for key, value in request.POST.items():
        if key == FIELD_NAME or key.endswith(f"-{FIELD_NAME}"):
            return read_token(value)
    return None


class SubmitOnceMixin:
    """Put first in the bases of a create form: adds the one-time token as a hidden field.

    A missing, forged or expired token makes the form invalid with a clear message, and the
    form shown again carries a fresh token (what was typed is kept). The token never
    reaches ``cleaned_data``.
    """

    fields: dict[str, forms.Field]
    data: Any
    is_bound: bool
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.creates():
            self.fields[FIELD_NAME] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=issue_token
            )

    def creates(self) -> bool:
        """Whether this use of the form adds a row: a model form editing a saved one does not."""
        instance = getattr(self, "instance", None)
        return instance is None or instance.pk is None

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        if not self.is_bound or not hasattr(self, "cleaned_data") or FIELD_NAME not in self.fields:
            return
        self.cleaned_data.pop(FIELD_NAME, None)
        key = self.add_prefix(FIELD_NAME)  # type: ignore[attr-defined]
        if read_token(self.data.get(key)) is None:
            self.add_error(None, EXPIRED_MESSAGE)  # type: ignore[attr-defined]
            self.data = self.data.copy()
            self.data[key] = issue_token()


def submit_once(view: View) -> View:
    """Wrap a create view so that one token saves its form at most once (see module doc)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = getattr(request, "user", None)
        if request.method != "POST" or user is None or not user.is_authenticated:
            return view(request, *args, **kwargs)
        token = _posted_token(request)
        if token is None:
            # No valid token: the view's form refuses it (EXPIRED_MESSAGE) and saves nothing.
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = FormSubmission.objects.create(
                        user=user, token=token, path=request.path[:400]
                    )
            except IntegrityError:
                claim = None
            if claim is not None:
                response = view(request, *args, **kwargs)
                if isinstance(response, HttpResponseRedirect):
                    claim.result_url = response["Location"][:2000]
                    claim.save(update_fields=["result_url"])
                else:
                    claim.delete()  # shown again to be corrected: the token stays usable
                _forget_old(user)
                return response
        return _replayed(request, user, token)

    wrapped.submit_once = True  # type: ignore[attr-defined]
    return wrapped


def _replayed(request: HttpRequest, user: Any, token: str) -> HttpResponse:
    """Answer a second request with the same token: where the first went, nothing written."""
    earlier = FormSubmission.objects.filter(user=user, token=token).first()
    messages.info(request, REPLAYED_MESSAGE)
    if earlier is not None and earlier.result_url and earlier.path == request.path[:400]:
        return HttpResponseRedirect(earlier.result_url)
    return redirect(request.path)


def _forget_old(user: Any) -> None:
    """Tokens past their age are refused anyway, so their rows can go (one user's, indexed)."""
    FormSubmission.objects.filter(user=user, created_at__lt=timezone.now() - TOKEN_MAX_AGE).delete()
