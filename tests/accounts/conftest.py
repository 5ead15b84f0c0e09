from tests.accounts.support import _clean_cache, _plain_static  # noqa: F401
