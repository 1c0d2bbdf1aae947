import pytest

from influencers.models import Influencer
from opsportal import search
from opsportal.access import access_for_user
from opsportal.search import filter_text
from search.services import search_all
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def japan(db):
    return f.CountryFactory(code="JP")


@pytest.fixture
def records(indonesia, thailand, japan):
    kaykai = f.InfluencerFactory(country=indonesia, name="Kaykai Salaider")
    f.PlatformAccountFactory(influencer=kaykai, platform="youtube", handle="KaykaiSalaider")
    nate = f.InfluencerFactory(country=indonesia, name="Nate & Mee")
    f.PlatformAccountFactory(influencer=nate, platform="tiktok", handle="natemee_official")
    tor = f.InfluencerFactory(country=thailand, name="Tor Thanapob", local_name="ต่อ ธนภพ ลีรัตนขจร")
    kiko = f.InfluencerFactory(country=japan, name="Kiko Mizuhara", local_name="水原希子")
    return {
        "kaykai": kaykai,
        "nate": nate,
        "tor": tor,
        "kiko": kiko,
        "reversal": f.ChallengeFactory(country=indonesia, hashtag="ReversalChallenge", title="From ugly to beautiful"),
        "frame": f.ChallengeFactory(country=indonesia, hashtag="MultiFrame", title="Multi-person frame"),
        "songkran": f.ChallengeFactory(country=thailand, hashtag="Songkran2026", title="Songkran splash"),
        "dwp": f.EventFactory(country=indonesia, name="Djakarta Warehouse Project", city="Jakarta"),
        "cafe": f.EventFactory(country=indonesia, name="Café Creators Meet-up", city="Bandung"),
        "partner": f.PartnerFactory(country=indonesia, name="Ismaya Live"),
        "minister": f.GovernmentContactFactory(
            country=indonesia, person_name="Rudiantara", organization="Kominfo", title="Minister"
        ),
        "th_official": f.GovernmentContactFactory(country=thailand, person_name="Somchai Rudiantara"),
    }


def _objects(groups, kind):
    return [hit.obj for g in groups if g.kind == kind for hit in g.hits]


def test_lowercase_partial_name(records, superuser):
    access = access_for_user(superuser)
    assert _objects(search_all(access, "kayk"), "influencer") == [records["kaykai"]]
    assert _objects(search_all(access, "salaider kay"), "influencer") == [records["kaykai"]]


def test_handle_with_at_or_profile_url(records, superuser):
    access = access_for_user(superuser)
    assert _objects(search_all(access, "@natemee"), "influencer") == [records["nate"]]
    found = _objects(search_all(access, "https://www.youtube.com/@kaykaisalaider"), "influencer")
    assert found == [records["kaykai"]]


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("ธนภพ", "tor"),  # Thai script, part of the name
        ("thanapob", "tor"),  # its romanised form
        ("水原", "kiko"),  # Japanese script
        ("mizuhara", "kiko"),
        ("ｍｉｚｕｈａｒａ", "kiko"),  # full-width letters from a Japanese keyboard
    ],
)
def test_local_script_and_romanised(records, superuser, query, key):
    assert _objects(search_all(access_for_user(superuser), query), "influencer") == [records[key]]


def test_hashtag_with_one_typo(records, superuser):
    access = access_for_user(superuser)
    assert records["reversal"] in _objects(search_all(access, "#reversalchalenge"), "challenge")
    assert records["songkran"] in _objects(search_all(access, "songkarn"), "challenge")
    # The exact hashtag ranks first.
    assert _objects(search_all(access, "reversalchallenge"), "challenge")[0] == records["reversal"]


def test_accent_insensitive_events_and_partners(records, superuser):
    access = access_for_user(superuser)
    assert _objects(search_all(access, "cafe"), "event") == [records["cafe"]]
    assert _objects(search_all(access, "CAFÉ"), "event") == [records["cafe"]]
    assert _objects(search_all(access, "warehouse"), "event") == [records["dwp"]]
    assert _objects(search_all(access, "ismaya"), "partner") == [records["partner"]]


def test_scoped_to_the_users_countries(records, id_operator):
    groups = search_all(access_for_user(id_operator), "songkran")
    assert _objects(groups, "challenge") == []
    assert _objects(search_all(access_for_user(id_operator), "thanapob"), "influencer") == []


def test_operator_never_sees_government_contacts(records, id_operator, hq_viewer):
    for user in (id_operator, hq_viewer):
        groups = search_all(access_for_user(user), "rudiantara")
        assert [g.kind for g in groups if g.kind == "government_contact"] == []


def test_government_contacts_only_in_countries_with_the_role(records, id_lead, id_gr, th_operator):
    assert _objects(search_all(access_for_user(id_lead), "rudiantara"), "government_contact") == [records["minister"]]
    assert _objects(search_all(access_for_user(id_gr), "kominfo"), "government_contact") == [records["minister"]]
    assert _objects(search_all(access_for_user(th_operator), "rudiantara"), "government_contact") == []


def test_groups_limit_and_has_more(indonesia, superuser):
    for n in range(5):
        f.InfluencerFactory(country=indonesia, name=f"Dancer {n}")
    groups = search_all(access_for_user(superuser), "dancer", limit=3)
    assert [(g.kind, len(g.hits), g.has_more) for g in groups] == [("influencer", 3, True)]
    hit = groups[0].hits[0]
    assert hit.url == f"/influencers/{hit.obj.pk}/"
    assert hit.country == indonesia


def test_empty_query_finds_nothing(records, superuser):
    assert search_all(access_for_user(superuser), "  # ") == []


def test_filter_text_for_the_api(records):
    qs = Influencer.objects.all()
    assert list(filter_text(qs, "KAYKAI")) == [records["kaykai"]]
    assert filter_text(qs, "") is qs
    # An influencer with two matching accounts is listed once.
    f.PlatformAccountFactory(influencer=records["kaykai"], platform="instagram", handle="kaykai.ig")
    assert list(filter_text(qs, "kaykai")) == [records["kaykai"]]


@pytest.mark.parametrize("q", ["\u00b4", "\u0301", "&", "# @", "\u00b4 \u0301"])
def test_words_that_normalise_to_nothing_match_nothing_instead_of_failing(records, superuser, q):
    # "´" is NFKC " \u0301": a word that unaccent empties, once a tsquery syntax error (a 500).
    assert search.query_words(q) == []
    assert search_all(access_for_user(superuser), q) == []
    assert filter_text(Influencer.objects.all(), q).count() == 4


def test_an_accent_beside_a_word_still_finds_it(records, superuser):
    assert _objects(search_all(access_for_user(superuser), "kaykai \u00b4"), "influencer") == [records["kaykai"]]


def test_the_exact_name_ranks_before_a_typo(indonesia, superuser):
    exact = f.InfluencerFactory(country=indonesia, name="Songkran Dancer")
    near = f.InfluencerFactory(country=indonesia, name="Songkarn Dancer")
    assert _objects(search_all(access_for_user(superuser), "songkran"), "influencer") == [exact, near]


@pytest.mark.parametrize("rows", [1, 50])
def test_query_count_does_not_grow(indonesia, superuser, django_assert_max_num_queries, rows):
    for n in range(rows):
        influencer = f.InfluencerFactory(country=indonesia, name=f"Jakarta dancer {n}")
        f.PlatformAccountFactory(influencer=influencer)
        f.ChallengeFactory(country=indonesia, hashtag=f"jakartadance{n}")
        f.RequestItemFactory(request=f.RegulatorRequestFactory(country=indonesia), target=f"jakarta-video-{n}")
        f.BudgetLineFactory(event=f.EventFactory(country=indonesia), description=f"Jakarta booth {n}")
        f.BudgetLineFactory(
            event=None, challenge=f.ChallengeFactory(country=indonesia), description=f"Jakarta seeding {n}"
        )
    access = access_for_user(superuser)
    # One query per group: influencers (two), challenges, events, partners, government contacts,
    # regulator requests, agreements, budget lines.
    with django_assert_max_num_queries(9):
        search_all(access, "jakarta", limit=50)
