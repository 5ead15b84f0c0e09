from tests.accounts.support import _clean_cache, _plain_static, _start_page  # noqa: F401
