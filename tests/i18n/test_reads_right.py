"""Issue 15's rules, one test each: growth that reads as growth, progress beyond 100 %, the
history view's values, people by name, chart URLs and cache keys per language and country."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import translation

from challenges.selectors import challenge_progress
from locales.models import StaffProfile
from opsportal import l10n
from opsportal.portal.charts import chart_query, svg_response
from reports import render
from tests import factories as f
from tests.i18n.pseudo import visible_text

NBSP = l10n.NBSP


# --- growth -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "lang", "text", "kind"),
    [
        (12_444_588, 127_765, "en", "+12.3M", "gain"),  # the "+9640.2 %" of the issue
        (12_444_588, 127_765, "id", f"+12,3{NBSP}jt", "gain"),
        (34_500, 128, "th", f"+3.4{NBSP}หมื่น", "gain"),  # "+26872.4 %"
        (5_000, 0, "en", "new", "new"),
        (5_000, 0, "id", "baru", "new"),
        (0, 0, "en", l10n.DASH, "none"),
        (145_800, 100_000, "en", "+45.8%", "percent"),
        (145_800, 100_000, "id", "+45,8%", "percent"),
        (91_200, 100_000, "en", "-8.8%", "percent"),
        (1_000, 100, "en", "+900.0%", "percent"),  # a base of exactly a tenth still compares
    ],
)
def test_growth_rule(current, previous, lang, text, kind):
    with translation.override(lang):
        moved = l10n.growth(current, previous)
    assert (moved.text, moved.kind) == (text, kind)


def _report(views_now: int, views_before: int, mover_now: int, mover_before: int) -> dict:
    """The stored figures of a small country report (the shape of reports.figures)."""
    metrics = ("views", "videos", "likes", "shares")
    return {
        "country": {"id": 1, "code": "ID", "name": "Indonesia", "timezone": "Asia/Jakarta"},
        "week": "2026-W47",
        "first_day": "2026-11-16",
        "last_day": "2026-11-22",
        "has_data": True,
        "challenges": {
            "live": 1,
            "ended": 0,
            "gained": {m: views_now if m == "views" else 10 for m in metrics},
            "previous": {m: views_before if m == "views" else 10 for m in metrics},
            "change_pct": dict.fromkeys(metrics),
            "top_movers": [
                {
                    "id": 7,
                    "hashtag": "SatuFrameRame",
                    "title": "Multi-person frame",
                    "status": "live",
                    "views_gained": mover_now,
                    "videos_gained": 4,
                    "views_prev_gained": mover_before,
                    "views_change_pct": round((mover_now - mover_before) * 100 / mover_before, 1),
                }
            ],
            "ended_list": [],
            "daily_views": {},
        },
        "influencers": {
            "core": 1,
            "new_core": 0,
            "total": 1,
            "added": 0,
            "pipeline": [],
            "top_gains": {},
            "crossovers": [],
        },
        "events": {
            "held_count": 0,
            "attendance": 0,
            "upcoming_count": 0,
            "overdue_tasks_count": 0,
            "held": [],
            "upcoming": [],
            "overdue_tasks": [],
        },
        "moments": [],
        "government": None,
    }


@pytest.mark.django_db
def test_a_report_with_a_tiny_base_shows_the_gain_not_a_four_digit_percentage():
    data = _report(12_444_588, 127_765, 34_500, 128)
    email = render.render_email(data, hq=False, government=False, language="en")
    for text in (email.html, email.text):
        assert not re.search(r"\d{4,}(\.\d)?\s?%", text.replace(",", "")), "a four-digit percentage is shown"
        assert "+12.3M" in text and "+34.4K" in text  # 34,500 − 128
        assert "at least a tenth of this week" in text  # the rule, in the footnote
    # A comparable base keeps its percentage.
    email = render.render_email(_report(145_800, 100_000, 1_100, 1_000), hq=False, government=False, language="en")
    assert "+45.8%" in email.html and "+10.0%" in email.html


# --- progress, people, history ---------------------------------------------------------------------


@pytest.mark.django_db
def test_progress_beyond_the_target_is_shown_as_such():
    challenge = f.ChallengeFactory(views=53_000_000, target_views=30_000_000, videos=10, target_videos=0)
    (row,) = challenge_progress(challenge)
    assert (row["pct"], row["bar"]) == (176, 100)
    with translation.override("en"):
        assert l10n.percent(row["pct"]) == "176%"


@pytest.mark.django_db
def test_people_are_named_not_logged_in():
    dewi = f.UserFactory(username="id-operator", first_name="Dewi", last_name="Lestari")
    nameless = f.UserFactory(username="bot-7", first_name="", last_name="")
    assert l10n.person(dewi) == "Dewi Lestari"
    assert l10n.person(nameless) == "bot-7"
    assert l10n.person(None) == l10n.DASH
    assert l10n.readable(dewi) == "Dewi Lestari"


def test_readable_values():
    with translation.override("id"):
        assert l10n.readable(None) == l10n.DASH
        assert l10n.readable("") == l10n.DASH
        assert l10n.readable(30_000_000) == "30.000.000"
        assert l10n.readable(Decimal("1500.50")) == "1.500,50"
        assert l10n.readable("2018-03-10T12:00:00+00:00", "Asia/Jakarta") == "10 Mar 2018 19.00 WIB"
        assert l10n.readable("2018-07-04", "Asia/Jakarta") == "4 Jul 2018"
        assert l10n.readable("Kaykai Salaider") == "Kaykai Salaider"
    with translation.override("th"), l10n.override(buddhist_era=True):
        assert l10n.readable(dt.date(2018, 7, 4)).endswith("2561")


@pytest.mark.django_db
def test_the_history_view_shows_local_times_grouped_numbers_and_names(client):
    from opsportal.audit import audit_context
    from opsportal.db import Door

    country = f.CountryFactory(code="ID", timezone="Asia/Jakarta")
    lead = f.UserFactory(username="id-lead", first_name="Budi", last_name="Santoso")
    f.MembershipFactory(user=lead, country=country, role="lead")
    challenge = f.ChallengeFactory(country=country, target_views=None)
    with audit_context(Door.PORTAL, user=lead):
        challenge.target_views = 30_000_000
        challenge.starts_at = dt.datetime(2018, 3, 10, 12, tzinfo=dt.UTC)
        challenge._history_user = lead
        challenge.save()
    client.force_login(lead)
    page = client.get(f"/challenges/{challenge.pk}/").content.decode()
    # What a person reads (a <time datetime="…"> attribute may keep its machine-readable ISO).
    history = visible_text(page[page.index("record-history") :])
    assert "30,000,000" in history
    assert "10 Mar 2018 19:00 WIB" in history
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", history)
    assert "None" not in history


# --- chart URLs and caches ----------------------------------------------------------------------


@pytest.mark.django_db
def test_chart_urls_and_cache_keys_carry_language_era_and_country():
    country = f.CountryFactory(code="TH", timezone="Asia/Bangkok")
    with translation.override("th"):
        assert chart_query(country) == "lang=th&country=TH"
        with l10n.override(buddhist_era=True):
            assert chart_query(country, set="engagement") == "lang=th&era=be&country=TH&set=engagement"
    with translation.override("ja"):
        assert chart_query(country) == "lang=ja&country=TH"

    drawn = []

    def draw():
        drawn.append(translation.get_language())
        return f"<svg>{l10n.compact(15_000_000)}</svg>".encode()

    factory = RequestFactory()
    pictures = {}
    for lang in ("id", "th", "ja", "th"):
        request = factory.get("/dashboard/chart.svg", {"lang": lang, "country": "TH"})
        response = svg_response(request, ("dashboard", country.pk), draw)
        pictures[lang] = response.content.decode()
        assert response["Content-Language"] == lang
    assert drawn == ["id", "th", "ja"]  # drawn once per language, the second Thai one from the cache
    assert pictures["id"] == f"<svg>15{NBSP}jt</svg>"
    assert pictures["th"] == f"<svg>15{NBSP}ล้าน</svg>"
    assert pictures["ja"] == "<svg>1500万</svg>"


@pytest.mark.django_db
def test_the_weekly_report_email_follows_the_readers_calendar():
    data = _report(145_800, 100_000, 1_100, 1_000)
    thai = render.render_email(data, hq=False, government=False, language="th", buddhist_era=True)
    assert "2569" in thai.text and "2026" not in thai.text.replace("2026-W47", "")
    western = render.render_email(data, hq=False, government=False, language="th")
    assert "2569" not in western.text


@pytest.mark.django_db
def test_the_history_names_a_country_in_the_readers_language(client):
    country = f.CountryFactory(code="TH", name="Thailand", timezone="Asia/Bangkok")
    lead = f.UserFactory(first_name="Nok", last_name="Chaiyaporn")
    f.MembershipFactory(user=lead, country=country, role="lead")
    challenge = f.ChallengeFactory(country=country)
    StaffProfile.objects.update_or_create(user=lead, defaults={"preferred_language": "ja"})
    client.force_login(lead)
    page = client.get(f"/challenges/{challenge.pk}/").content.decode()
    history = visible_text(page[page.index("record-history") :])
    assert "タイ" in history and "Thailand" not in history


@pytest.mark.parametrize(
    ("lang", "kind", "expected"),
    [
        ("en", "weekday_day_month_time", "Mon 9 Dec 05:52"),
        ("id", "weekday_day_month_time", "Sen 9 Des 05.52"),
        ("ja", "weekday_day_month_time", "12月9日(月) 05:52"),
        ("vi", "weekday_day_month_time", "05:52 Thứ 2, 09/12"),
        ("ja", "month_year", "2024年12月"),
        ("ja", "day_month", "12月9日"),
        ("en", "day_month", "9 Dec"),
    ],
)
def test_short_forms_follow_the_language(lang, kind, expected):
    moment = dt.datetime(2024, 12, 8, 22, 52, tzinfo=dt.UTC)  # Monday 9 Dec 05:52 in Jakarta
    with translation.override(lang):
        assert l10n.local_format(moment, kind, "Asia/Jakarta") == expected


def test_thai_month_and_year_in_the_buddhist_era():
    with translation.override("th"), l10n.override(buddhist_era=True):
        assert l10n.local_format(dt.date(2018, 7, 4), "month_year").endswith("2561")


@pytest.mark.django_db
def test_hq_search_and_forms_name_countries_in_the_readers_language(client):
    """The country menu says タイ to a Japanese reader; so do the HQ overview, the goals page,
    a search hit and the forms' country line (not the name stored in English)."""
    thailand = f.CountryFactory(code="TH", name="Thailand", timezone="Asia/Bangkok")
    hq = f.UserFactory(username="hq-ja")
    StaffProfile.objects.update_or_create(user=hq, defaults={"preferred_language": "ja", "hq_access": "viewer"})
    f.InfluencerFactory(country=thailand, name="Somchai Kaewkla")
    client.force_login(hq)
    overview = visible_text(client.get("/hq/").content.decode())
    assert "タイ" in overview and "Thailand" not in overview
    reports = visible_text(client.get("/reports/").content.decode())  # the country menu of the filter
    assert "タイ" in reports and "Thailand" not in reports
    hits = visible_text(client.get("/search/", {"q": "Somchai"}).content.decode())
    assert "Somchai Kaewkla" in hits and "タイ" in hits and "Thailand" not in hits
    lead = f.UserFactory(username="th-lead-ja")
    f.MembershipFactory(user=lead, country=thailand, role="lead")
    StaffProfile.objects.update_or_create(user=lead, defaults={"preferred_language": "ja"})
    client.force_login(lead)
    for url in ("/goals/", "/influencers/new/", "/imports/"):
        page = visible_text(client.get(url).content.decode())
        assert "タイ" in page and "Thailand" not in page, url


@pytest.mark.parametrize("code", ["XA", "XB", "QO", "ZZ", "AA"])
def test_a_market_with_a_private_use_code_keeps_its_own_name(code):
    """CLDR calls XA "Pseudo-Accents" and QO "Outlying Oceania"; a team's own market is neither."""
    for lang in ("en", "ja"):
        assert l10n.country_name({"code": code, "name": "Exampleland"}, lang) == "Exampleland"
    assert l10n.country_name({"code": "XK", "name": "Kosova"}, "en") == "Kosovo"
