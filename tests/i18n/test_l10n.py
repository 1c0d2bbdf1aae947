"""Numbers, money, dates and times as each team reads them; the language switcher and preferences."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from locales.models import StaffProfile
from opsportal import l10n
from tests import factories as f

NB = "\u00a0"
# 4 July 2018, 10:00 in Jakarta: the day the management met the minister.
MEETING = dt.datetime(2018, 7, 4, 3, 0, tzinfo=dt.UTC)


# --- compact numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", ["5.7M", "570K", "57K", "53.4M", "1.2B", "999"]),
        ("id", [f"5,7{NB}jt", f"570{NB}rb", f"57{NB}rb", f"53,4{NB}jt", f"1,2{NB}M", "999"]),
        ("th", [f"5.7{NB}ล้าน", f"5.7{NB}แสน", f"5.7{NB}หมื่น", f"53.4{NB}ล้าน", f"1.2{NB}พันล้าน", "999"]),
        ("vi", [f"5,7{NB}Tr", f"570{NB}N", f"57{NB}N", f"53,4{NB}Tr", f"1,2{NB}T", "999"]),
        ("ja", ["570万", "57万", "5.7万", "5340万", "12.3億", "999"]),
        ("ms", ["5.7J", "570K", "57K", "53.4J", "1.2B", "999"]),
        ("km", ["5,7លាន", "570ពាន់", "57ពាន់", "53,4លាន", "1,2ប៊ីលាន", "999"]),
    ],
)
def test_compact_reads_the_way_each_language_abbreviates(lang, expected):
    values = [5_700_000, 570_000, 57_000, 53_400_000, 1_234_567_890, 999]
    assert [l10n.compact(v, lang) for v in values] == expected


def test_compact_rounds_up_into_the_next_unit_and_keeps_the_sign():
    assert l10n.compact(999_999, "en") == "1M"
    assert l10n.compact(9_990, "th") == f"1{NB}หมื่น"
    assert l10n.compact(-5_700_000, "en") == "-5.7M"
    assert l10n.compact(5_700, "ja") == "5,700"  # Japanese counts in 万, not thousands
    assert l10n.compact(None) == "–"


def test_compact_follows_the_active_language():
    with translation.override("id"):
        assert l10n.compact(5_700_000) == f"5,7{NB}jt"


# --- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, currency, lang, expected",
    [
        (150_000_000, "IDR", "id", f"Rp{NB}150.000.000"),
        (150_000_000, "IDR", "en", f"Rp{NB}150,000,000"),
        (Decimal("1500000.40"), "VND", "vi", f"1.500.000{NB}₫"),
        (1500, "JPY", "ja", "￥1,500"),
        (1500, "JPY", "en", "¥1,500"),
        (Decimal("1500.5"), "THB", "th", "฿1,500.50"),
        (1500, "USD", "en", "$1,500.00"),
        (1500, "USD", "id", "US$1.500,00"),
        (-1500, "MYR", "ms", f"-RM{NB}1,500.00"),
        (4000, "KHR", "km", "4.000៛"),
        (10, "CHF", "en", f"CHF{NB}10.00"),  # unknown to the table: its code and two decimals
    ],
)
def test_money_uses_the_currencys_symbol_and_decimals(amount, currency, lang, expected):
    assert l10n.money(amount, currency, lang) == expected


def test_money_rounds_half_up_and_reports_minor_units():
    assert l10n.money(Decimal("0.005"), "THB", "en") == "฿0.01"
    assert l10n.money(Decimal("1499.5"), "IDR", "en") == f"Rp{NB}1,500"
    assert [l10n.minor_units(c) for c in ("IDR", "VND", "JPY", "THB", "USD")] == [0, 0, 0, 2, 2]
    assert l10n.money(None, "IDR") == "–"


# --- dates, times and zones ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", "4 Jul 2018 10:00 WIB"),
        ("id", "4 Jul 2018 10.00 WIB"),
        ("th", "4 ก.ค. 2018 10:00 WIB"),
        ("vi", "10:00 04/07/2018 WIB"),
        ("ja", "2018年7月4日 10:00 WIB"),
        ("ms", "4 Jul 2018 10:00 WIB"),
    ],
)
def test_local_dt_shows_the_countrys_time_and_names_the_zone(lang, expected):
    assert l10n.local_dt(MEETING, "Asia/Jakarta", lang) == expected


def test_zones_without_an_abbreviation_in_the_tz_database_get_a_common_one_or_an_offset():
    assert l10n.local_dt(MEETING, "Asia/Bangkok", "en") == "4 Jul 2018 10:00 ICT"
    assert l10n.local_dt(MEETING, "Asia/Tokyo", "en") == "4 Jul 2018 12:00 JST"
    assert l10n.zone_label("Asia/Dubai", MEETING) == "UTC+4"
    assert l10n.zone_label("Asia/Kolkata", MEETING) == "IST"
    assert l10n.zone_label("Asia/Kathmandu", MEETING) == "UTC+5:45"
    assert l10n.local_dt(MEETING, "Asia/Jakarta", "en", show_zone="name") == "4 Jul 2018 10:00 (Asia/Jakarta)"


def test_local_dt_takes_a_country_or_the_active_zone(indonesia):
    assert l10n.local_dt(MEETING, indonesia, "en") == "4 Jul 2018 10:00 WIB"
    with timezone.override("Asia/Tokyo"):
        assert l10n.local_dt(MEETING, lang="en") == "4 Jul 2018 12:00 JST"
    with pytest.raises(ValueError):
        l10n.local_dt(MEETING, "Mars/Olympus_Mons", "en")


def test_local_date_moves_a_moment_into_the_zone_first():
    late = dt.datetime(2018, 7, 3, 20, 0, tzinfo=dt.UTC)  # already 4 July in Jakarta
    assert l10n.local_date(late, "Asia/Jakarta", "en") == "4 Jul 2018"
    assert l10n.local_date(dt.date(2018, 7, 4), lang="ja") == "2018年7月4日"


def test_buddhist_era_only_in_thai_and_only_when_asked():
    assert l10n.local_date(dt.date(2018, 7, 4), lang="th", buddhist_era=True) == "4 ก.ค. 2561"
    assert l10n.local_date(dt.date(2018, 7, 4), lang="th", buddhist_era=False) == "4 ก.ค. 2018"
    assert l10n.local_date(dt.date(2018, 7, 4), lang="en", buddhist_era=True) == "4 Jul 2018"
    with l10n.override("th", tz="Asia/Bangkok", buddhist_era=True):
        assert l10n.local_dt(MEETING) == "4 ก.ค. 2561 10:00 ICT"
    assert not l10n.buddhist_era_preferred()


# --- template filters -------------------------------------------------------------------------


def render(source: str, **context) -> str:
    return Template("{% load l10n_extras %}" + source).render(Context(context))


def test_filters_format_in_the_active_language(indonesia):
    event_budget = Decimal("150000000")
    with translation.override("id"), timezone.override("Asia/Jakarta"):
        out = render(
            "{{ views|compact }}|{{ budget|money:country }}|{{ at|local_dt }}|{{ at|local_date:country }}",
            views=5_700_000,
            budget=event_budget,
            at=MEETING,
            country=indonesia,
        )
    assert out == f"5,7{NB}jt|Rp{NB}150.000.000|4 Jul 2018 10.00 WIB|4 Jul 2018"


def test_filters_show_unreadable_values_instead_of_failing():
    out = render("{{ a|compact }}|{{ b|money:'IDR' }}|{{ c|local_dt:'Nowhere/Zone' }}", a="n/a", b="abc", c=MEETING)
    assert out.startswith("n/a|abc|4 Jul 2018")


# --- preferences and the switcher -------------------------------------------------------------


def test_the_switcher_renders_in_thai_with_every_language_named_in_itself(rf):
    request = rf.get("/challenges/")
    with translation.override("th"):
        html = Template("{% include 'partials/language_switcher.html' %}").render(Context({"request": request}))
    assert ">ภาษา</label>" in html  # "Language"
    assert ">เปลี่ยน</button>" in html  # "Switch"
    assert 'value="th" lang="th" translate="no" selected>ไทย<' in html
    for name in ("English", "Bahasa Indonesia", "Tiếng Việt", "日本語", "Bahasa Melayu", "ខ្មែរ"):
        assert f">{name}</option>" in html
    assert 'name="next" value="/challenges/"' in html
    assert 'action="/i18n/setlang/"' in html


def test_switching_stores_the_choice_on_the_profile(client, id_operator):
    client.force_login(id_operator)
    response = client.post(reverse("set_language"), {"language": "th", "next": "/challenges/"})
    assert response.status_code == 302 and response["Location"] == "/challenges/"
    assert StaffProfile.objects.get(user=id_operator).preferred_language == "th"
    # Another browser, no cookie: the profile decides.
    client.cookies.clear()
    client.force_login(id_operator)
    assert client.get(reverse("portal:dashboard"))["Content-Language"] == "th"


def test_switching_ignores_an_unknown_language_and_works_signed_out(client, id_operator):
    client.force_login(id_operator)
    client.post(reverse("set_language"), {"language": "xx-evil", "next": "/"})
    assert StaffProfile.objects.get(user=id_operator).preferred_language == ""
    client.logout()
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"


def test_a_user_without_a_profile_gets_one_when_switching(client, db):
    user = f.UserFactory(username="no-profile")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "km", "next": "/"})
    assert StaffProfile.objects.get(user=user).preferred_language == "km"


def _request(user, accept="", cookie=None):
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=accept)
    if cookie:
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
    request.user = user
    request.session = {}
    return request


def test_language_guess_profile_then_browser_then_team(id_operator):
    # No preference: the browser's supported language stands (LocaleMiddleware's choice).
    assert l10n.request_preferences(_request(id_operator, "ja-JP,ja;q=0.9")) == (None, False)
    # The browser speaks nothing we have: the team's language (Indonesia: id).
    request = _request(id_operator, "de-DE,de;q=0.9")
    assert l10n.request_preferences(request) == ("id", False)
    assert request.session[l10n.TEAM_LANGUAGE_SESSION_KEY] == "id"
    # No header at all (a script): the site default.
    assert l10n.request_preferences(_request(id_operator)) == (None, False)
    # The profile wins over everything, and carries the era.
    StaffProfile.objects.filter(user=id_operator).update(preferred_language="th", buddhist_era=True)
    id_operator.refresh_from_db()
    assert l10n.request_preferences(_request(id_operator, "ja", cookie="ja")) == ("th", True)


def test_browser_language_reads_quality_values():
    assert l10n.browser_language("de;q=1.0, km;q=0.5, ja;q=0.8") == "ja"
    assert l10n.browser_language("th-TH") == "th"
    assert l10n.browser_language("fr, *;q=0.1") is None
    assert l10n.browser_language("id;q=garbage, vi") == "vi"


def test_the_middleware_applies_the_profiles_language_and_era_for_the_request(th_operator):
    from django.http import HttpResponse

    from opsportal.middleware import UserLanguageMiddleware

    StaffProfile.objects.filter(user=th_operator).update(preferred_language="th", buddhist_era=True)
    th_operator.refresh_from_db()
    middleware = UserLanguageMiddleware(lambda request: HttpResponse(l10n.local_date(dt.date(2018, 7, 4))))
    with translation.override("en"):
        response = middleware(_request(th_operator, "en"))
    assert response.content.decode() == "4 ก.ค. 2561"
    assert not l10n.buddhist_era_preferred()  # nothing leaks past the request


def test_a_thai_dashboard_answers_in_thai(client, th_operator):
    StaffProfile.objects.filter(user=th_operator).update(preferred_language="th")
    client.force_login(th_operator)
    response = client.get(reverse("portal:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Language"] == "th"


def test_preferences_for_a_recipient(id_operator, indonesia):
    prefs = l10n.preferences_for(id_operator, indonesia)
    assert prefs == l10n.Preferences(language="id", timezone="Asia/Jakarta", buddhist_era=False)
    StaffProfile.objects.filter(user=id_operator).update(preferred_language="ja", timezone="Asia/Tokyo")
    id_operator.refresh_from_db()
    assert l10n.preferences_for(id_operator) == l10n.Preferences("ja", "Asia/Tokyo", False)
    with l10n.override_for(id_operator, indonesia):
        assert translation.get_language() == "ja"
        assert l10n.local_dt(MEETING) == "2018年7月4日 10:00 WIB"
