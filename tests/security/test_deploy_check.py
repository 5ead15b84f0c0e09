"""``manage.py check --deploy`` is clean under production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

PRODUCTION_SECRET = secrets.token_urlsafe(50)
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_overrides(settings, monkeypatch):
    # The test run itself switches off the HTTPS redirect and allows the live server's
    # threads to use the database; production does neither.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.DEBUG = False
    settings.SECRET_KEY = PRODUCTION_SECRET
    settings.ALLOWED_HOSTS = ["appraisal.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    call_command("check", deploy=True, fail_level="WARNING")


def test_check_deploy_is_clean_from_the_environment():
    """The same check as an operator runs it, from a clean environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET,
        DJANGO_ALLOWED_HOSTS="appraisal.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_a_weak_production_setting(settings, monkeypatch):
    """The check above can fail: a short secret key is reported."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    from django.core.management.base import SystemCheckError

    settings.DEBUG = False
    settings.SECRET_KEY = "short"
    settings.ALLOWED_HOSTS = ["appraisal.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    with pytest.raises(SystemCheckError):
        call_command("check", deploy=True, fail_level="WARNING")
