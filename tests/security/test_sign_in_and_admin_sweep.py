"""Every sign-in (allauth) and platform-admin route, walked from the URLconf, for an
anonymous visitor, every persona and a platform operator: never a 500, never trust B's data;
the admin opens for the operator only.

A new route with arguments that this module cannot fill in fails the walk below, so it is
thought about before it ships; routes without arguments are probed as they are.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import get_resolver, reverse

from accounts.models import User
from organisation.models import StaffMember
from tests.personas import ALL_PERSONAS, MARKER, TRUST_B_PERSONAS, World
from tests.security.test_url_sweep import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):  # type: ignore[no-untyped-def]
    """The personas, built once for the module (tests/conftest.py)."""
    return shared_world


SIGN_IN_PREFIX = "accounts/"
ADMIN_PREFIX = settings.ADMIN_URL

# allauth routes with arguments: the arguments to probe them with.
SIGN_IN_KWARGS = {
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key": {"uidb36": "zz", "key": "not-a-real-key"},
}
# Sign-out ends the session: probed last, so the routes before it are probed signed in.
LAST = ("account_logout", "admin:logout")


def _routes(prefix: str) -> list[tuple[str, str]]:
    return [(r, n) for r, n in walk(get_resolver().url_patterns) if r.startswith(prefix)]


def sign_in_paths() -> list[str]:
    paths: list[tuple[bool, str]] = []
    for route, name in _routes(SIGN_IN_PREFIX):
        if name in SIGN_IN_KWARGS:
            path = reverse(name, kwargs=SIGN_IN_KWARGS[name])
        else:
            assert not re.search(r"[<(^]", route), f"sign-in route needs probe arguments: {route}"
            path = f"/{route}"
        paths.append((name in LAST, path))
    return [path for _, path in sorted(paths, key=lambda p: p[0])]


def admin_paths(world: World) -> list[str]:
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    paths: list[tuple[bool, str]] = []
    for route, name in _routes(ADMIN_PREFIX):
        rest = route[len(ADMIN_PREFIX) :]
        if "(?P<app_label>" in rest:
            found = [reverse("admin:app_list", kwargs={"app_label": label}) for label in labels]
        elif "(?P<url>" in rest:
            found = [f"/{ADMIN_PREFIX}no-such-page/"]
        elif name == "admin:view_on_site":
            staff = world.staff["appraisee"]
            content_type = ContentType.objects.get_for_model(StaffMember)
            found = [f"/{ADMIN_PREFIX}r/{content_type.pk}/{staff.pk}/"]
        else:
            match = re.match(r"(\w+)/(\w+)/", rest)
            if match and re.search(r"<(path:object_id|id)>", rest):
                model = apps.get_model(match[1], match[2])
                obj = model._default_manager.order_by("pk").first()
                rest = re.sub(r"<(path:object_id|id)>", str(obj.pk if obj else 0), rest)
            elif match and rest.endswith("/^([^/]+)/history/([^/]+)/$"):
                # django-simple-history's "this version" page: an object and one of its
                # history rows.
                model = apps.get_model(match[1], match[2])
                row = model.history.order_by("history_id").first()  # type: ignore[attr-defined]
                object_id, history_id = (row.id, row.history_id) if row else (0, 0)
                rest = f"{match[0]}{object_id}/history/{history_id}/"
            assert not re.search(r"[<(^]", rest), f"admin route needs probe arguments: {route}"
            found = [f"/{ADMIN_PREFIX}{rest}"]
        paths.extend((name in LAST, path) for path in found)
    return [path for _, path in sorted(paths, key=lambda p: p[0])]


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response) if response.streaming else response.content


def _probe(
    client: Client, path: str, *, methods: tuple[str, ...], own_marker: bool = False
) -> list[int]:
    """Request ``path``; trust B's marker may appear only to trust B's own people."""
    codes = []
    for method in methods:
        response = getattr(client, method)(path)
        assert response.status_code < 500, f"{method.upper()} {path} gave {response.status_code}"
        if not own_marker:
            assert MARKER.encode() not in _body(response), f"{method.upper()} {path}: trust B"
        codes.append(response.status_code)
    return codes


def test_every_sign_in_and_admin_route_can_be_probed(world: World) -> None:
    # The walk itself asserts; a route it cannot fill in fails here first.
    assert len(sign_in_paths()) >= len(_routes(SIGN_IN_PREFIX))
    assert len(admin_paths(world)) >= len(_routes(ADMIN_PREFIX))


@pytest.mark.parametrize("persona", [None, *ALL_PERSONAS])
def test_sign_in_routes_never_fail(world: World, persona: str | None) -> None:
    client = Client(raise_request_exception=False)
    for path in sign_in_paths():
        if persona is not None:
            client.force_login(world.user(persona))
        _probe(client, path, methods=("get", "post"), own_marker=persona in TRUST_B_PERSONAS)


@pytest.mark.parametrize("persona", [None, *ALL_PERSONAS])
def test_no_trust_persona_opens_any_admin_page(world: World, persona: str | None) -> None:
    client = Client(raise_request_exception=False)
    if persona is not None:
        client.force_login(world.user(persona))
    for path in admin_paths(world):
        (code,) = _probe(client, path, methods=("get",), own_marker=persona in TRUST_B_PERSONAS)
        # Sent to sign in (anonymous, or not an operator), or refused at the sign-in step;
        # the admin's own sign-out and the catch-all never show an admin page either.
        assert code in (302, 403, 404, 405), f"{path} gave {code} to {persona}"


def test_every_admin_page_opens_for_an_operator_without_failing(world: World) -> None:
    operator = User.objects.create_superuser(email="operator@example.org", password="x" * 20)
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    opened = 0
    for path in admin_paths(world):
        # The admin crosses trusts by design: the operator sees every trust's data.
        (code,) = _probe(client, path, methods=("get",), own_marker=True)
        opened += code == 200
    assert opened > len(admin.site._registry), "most admin pages should open for an operator"
