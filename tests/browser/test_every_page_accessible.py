"""Every page of the product, as each kind of user sees it, scanned with axe-core.

The routes and the objects that fill them come from the URL sweep (tests/security), so a new
page is scanned as soon as it is added there, which the sweep itself insists on."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser_support import WCAG_TAGS, go, sign_in
from tests.personas import build_world
from tests.security.test_url_sweep import ROUTES, build_side

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Between them these see every page: trust set-up, HR, an academy, a reviewer, an appraisee.
PERSONAS = ("trust_admin", "hr", "headteacher", "line_manager", "appraisee", "governor")
# A page's markup is the same template whoever opens it, so each page is scanned once, as the
# first of the personas above who may open it; the pages that are built differently for each
# role (the home page and its to-do list, the service navigation) are scanned for every one.
FOR_EVERY_PERSONA = {"home"}

_axe = Axe()


def test_every_page_meets_wcag_22_aa(browser_page: Page, live_server: Any) -> None:
    world = build_world()
    own = build_side(world, trust_b=False)
    page = browser_page
    failures: list[str] = []
    scanned = 0
    scanned_routes: set[str] = set()
    for persona in PERSONAS:
        page.context.clear_cookies()
        sign_in(page, world.user(persona).email)
        for name, kwargs in ROUTES.items():
            if name in scanned_routes and name not in FOR_EVERY_PERSONA:
                continue
            path = reverse(name, kwargs=kwargs(own))
            response = page.request.get(page.base_url + path)  # type: ignore[attr-defined]
            is_page = response.headers.get("content-type", "").startswith("text/html")
            if response.status != 200 or not is_page:
                continue
            go(page, path)
            results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            scanned += 1
            scanned_routes.add(name)
            if results.violations_count:
                failures.append(f"{persona} {path}:\n{results.generate_report()}")
    assert scanned > 60, f"only {scanned} pages were scanned"
    assert not failures, "\n\n".join(failures)
