"""On the demo story, on whichever database runs the suite (SQLite by default): what a newcomer
types into the search box, typos and missing accents included, finds the story's records."""

import pytest

from opsportal.access import access_for_user
from search.services import search_all
from tests.seeded import demo_data_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _titles(groups, kind):
    return [hit.title for g in groups if g.kind == kind for hit in g.hits]


@pytest.mark.parametrize(
    ("query", "kind", "expected"),
    [
        ("kaykia", "influencer", "Kaykai Salaider"),  # a typo in a name
        ("songkarn", "challenge", "#SongkranSplash"),  # letters swapped
        ("#reversalchalenge", "challenge", "#ReversalChallenge"),  # a letter missing, with the mark
        ("REVERSAL", "challenge", "#ReversalChallenge"),
    ],
)
def test_typos_find_the_story(demo_data, query, kind, expected):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    found = _titles(search_all(access_for_user(admin), query), kind)
    assert any(expected in title for title in found), f"{query!r} found {found}"
