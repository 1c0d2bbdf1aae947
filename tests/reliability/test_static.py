"""collectstatic finds each file once (it warned about a duplicate portal.css)."""

from collections import Counter

from django.contrib.staticfiles.finders import get_finders


def test_no_static_file_is_found_twice():
    found = Counter(path for finder in get_finders() for path, _storage in finder.list(ignore_patterns=[]))
    assert found["opsportal/portal.css"] == 1
    assert [path for path, count in found.items() if count > 1] == []
