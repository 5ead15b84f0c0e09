"""Browser fixtures live in tests/conftest.py and helpers in tests/browser_support.py."""

from tests.browser_support import assert_accessible, go, sign_in

__all__ = ["assert_accessible", "go", "sign_in"]
