from tests.accounts.support import _clean_cache  # noqa: F401
