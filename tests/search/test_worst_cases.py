"""The queries that once read a whole country (issue 16): a word in every name, one letter, a typo
sharing letters with every name. Ranking works on a capped set of candidates; what is found and
how many queries it takes must not change with the number of rows."""

import pytest

from opsportal import search
from opsportal.access import access_for_user
from search import services
from search.services import search_all
from tests import factories as f

pytestmark = pytest.mark.django_db


def _names(groups, kind="influencer"):
    return [hit.title for g in groups if g.kind == kind for hit in g.hits]


def test_a_word_in_more_names_than_the_cap_still_fills_the_page(indonesia, thailand, id_lead, monkeypatch):
    monkeypatch.setattr(services, "CANDIDATES", 4)
    for n in range(8):
        f.InfluencerFactory(country=indonesia, name=f"Creator {n}")
        f.InfluencerFactory(country=thailand, name=f"Creator TH {n}")
    groups = search_all(access_for_user(id_lead), "creator", limit=3, country_id=indonesia.pk)
    [group] = [g for g in groups if g.kind == "influencer"]
    assert len(group.hits) == 3 and group.has_more
    assert all(hit.country == indonesia for hit in group.hits)  # the cap is taken inside the scope


def test_one_letter_finds_words_starting_with_it(indonesia, superuser):
    f.InfluencerFactory(country=indonesia, name="Kaykai Salaider")
    f.InfluencerFactory(country=indonesia, name="Nate Kirana")
    f.InfluencerFactory(country=indonesia, name="Bayu")
    access = access_for_user(superuser)
    assert sorted(_names(search_all(access, "k"))) == ["Kaykai Salaider", "Nate Kirana"]
    assert _names(search_all(access, "y")) == []  # inside a word: not what one letter means
    assert _names(search_all(access, "ba")) == ["Bayu"]


def test_a_typo_is_found_through_a_shared_run_of_letters(indonesia, superuser):
    f.InfluencerFactory(country=indonesia, name="Kaykai Salaider")
    for n in range(5):
        f.InfluencerFactory(country=indonesia, name=f"Creator {n}")
    access = access_for_user(superuser)
    assert _names(search_all(access, "salaidr")) == ["Kaykai Salaider"]
    assert _names(search_all(access, "zzzzator")) == []  # shares "ator" with every name, close to none


def test_runs_overlap_in_a_word_and_sit_side_by_side_in_a_long_phrase():
    assert search._runs("kaykia") == ["ayki", "kayk", "ykia"]
    assert search._runs("kyak") == ["kya", "yak"]
    assert search._runs("reversalchalenge") == ["chal", "enge", "reve", "rsal"]
    # Never across what pg_trgm takes for a word break: "_12" would match every "… 12…" name.
    assert search._runs("tiktok_12") == ["ikto", "ktok", "tikt"]


@pytest.mark.parametrize("q", ["creator", "c", "craetor"])
@pytest.mark.parametrize("rows", [1, 30])
def test_a_word_in_every_name_takes_the_same_queries(indonesia, superuser, django_assert_max_num_queries, rows, q):
    for n in range(rows):
        influencer = f.InfluencerFactory(country=indonesia, name=f"Creator {n}")
        f.PlatformAccountFactory(influencer=influencer)
    # One query per group (two for influencers), as test_search's query-count test says.
    with django_assert_max_num_queries(9):
        search_all(access_for_user(superuser), q, limit=10)
