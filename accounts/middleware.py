"""Send privileged users without an authenticator app to set one up before anything else;
answer "not found" for the sign-in pages of social providers the deployment has not set up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from .mfa import needs_mfa_setup

# The pages a user may still reach before finishing set-up: the set-up itself (which may
# ask for the password again first), the recovery codes shown straight after, and sign-out.
ALLOWED_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "account_reauthenticate",
        "account_logout",
    }
)

SETUP_MESSAGE = (
    "Your role lets you see other people's appraisal records, so your account must be "
    "protected by an authenticator app as well as your password. Set one up to continue."
)


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up(request):
            _warn_once(request)
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up(self, request: HttpRequest) -> bool:
        if not getattr(settings, "MFA_REQUIRED_FOR_PRIVILEGED_ROLES", True):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(settings.STATIC_URL):
            return False
        try:
            url_name = resolve(request.path_info).url_name
        except Resolver404:
            # Unknown addresses go on to the ordinary "Page not found".
            return False
        if url_name in ALLOWED_URL_NAMES:
            return False
        return needs_mfa_setup(user)  # type: ignore[arg-type]


def _warn_once(request: HttpRequest) -> None:
    # Several pages may redirect before one is shown: say it once, not once per redirect.
    storage: Any = messages.get_messages(request)
    already = any(m.message == SETUP_MESSAGE for m in storage)
    storage.used = False  # reading them above must not use them up
    if not already:
        messages.warning(request, SETUP_MESSAGE)


class UnconfiguredSocialSignInMiddleware:
    """Microsoft and Google sign-in pages are routed whether or not a trust has set them up
    (allauth adds a provider's URLs when its app is installed); without a client id in the
    settings or a SocialApp row, allauth fails with ``SocialApp.DoesNotExist``. Answer 404
    instead, as for any page that is not there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        match = request.resolver_match
        provider_id = _social_provider_of(match.url_name if match else None)
        if provider_id is None:
            return None
        from allauth.socialaccount.adapter import get_adapter

        if not get_adapter().list_apps(request, provider=provider_id):
            raise Http404("This sign-in method is not set up.")
        return None


def _social_provider_of(url_name: str | None) -> str | None:
    """The provider whose page this is: allauth names them ``<provider id>_<page>``."""
    if not url_name:
        return None
    from allauth.socialaccount import providers

    for provider_class in providers.registry.get_class_list():
        if url_name.startswith(f"{provider_class.id}_"):
            return str(provider_class.id)
    return None
