from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture(autouse=True)
def _plain_static_files(settings):  # type: ignore[no-untyped-def]
    # Pages render {% static %}; tests do not run collectstatic, so skip the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _start_page_exists() -> None:
    reverse("home")
