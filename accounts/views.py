"""The few sign-in pages this project answers itself instead of allauth."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def email_management_closed(request: HttpRequest) -> HttpResponse:
    """allauth's "manage your email addresses" page, closed for everyone.

    The sign-in address is the trust's record of the person (staff import, HR), not theirs
    to change: with it open, anyone signed in could add a colleague-to-be's address to their
    own account and make it primary, or repoint their sign-in to an outside address.
    """
    raise Http404("Sign-in addresses are changed by the trust.")
