"""The portal in a person's own language: Thai and Japanese readers, in a real browser.

Expected strings come from the catalogues and opsportal.l10n, the same functions the
templates use, so a re-worded msgid or a new compact unit does not break these tests.
"""

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation

from locales.models import StaffProfile
from opsportal import l10n
from tests import factories as f
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

NAV_ITEMS = ["Dashboard", "Challenges", "Influencers", "Pipeline", "Events", "Calendar", "Team"]
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _prefer(user, lang: str) -> None:
    StaffProfile.objects.filter(user=user).update(preferred_language=lang)


def _plain(text: str) -> str:
    # l10n joins numbers and units with non-breaking spaces; compare text, not spacing.
    return " ".join(text.replace(l10n.NBSP, " ").split())


def _sign_in_in(page, username: str, lang: str):
    sign_in(page, username)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == lang
    return _plain(page.locator("body").inner_text())


def _assert_nav_translated(page, lang: str) -> None:
    nav = _plain(page.locator("nav#main-nav").inner_text())
    with translation.override(lang):
        expected = [str(translation.gettext(item)) for item in NAV_ITEMS]
    for english, local in zip(NAV_ITEMS, expected, strict=True):
        assert local != english, f"{english!r} is not translated into {lang}"
        assert local in nav, f"{local!r} missing from the {lang} navigation: {nav!r}"


def _assert_today_in(body: str, lang: str, country) -> None:
    today = timezone.localdate(timezone=country.zone)
    # The dashboard heading's own filter (dashboard.html: today|local_date).
    expected = _plain(l10n.local_date(today, country.zone, lang, buddhist_era=False))
    english = _plain(l10n.local_date(today, country.zone, "en", buddhist_era=False))
    assert expected != english
    assert expected in body, f"{expected!r} not on the {lang} dashboard"


def test_thai_reader(page, demo):
    nok = demo["users"]["th_operator"]
    thailand = demo["thailand"]
    _prefer(nok, "th")
    songkran_fair = f.EventFactory(
        country=thailand, name="Songkran creator fair", city="Bangkok", budget=Decimal("250000"), currency="THB"
    )

    body = _sign_in_in(page, "nok", "th")
    _assert_nav_translated(page, "th")
    _assert_today_in(body, "th", thailand)
    # The Thai live challenge's 8,000,000 views in Thai units (8 ล้าน).
    views = _plain(l10n.compact(8_000_000, lang="th"))
    assert "ล้าน" in views and views in body

    page.goto(f"/events/{songkran_fair.pk}/")
    facts = _plain(page.locator("dl.facts").first.inner_text())
    budget = _plain(l10n.money(Decimal("250000"), "THB", lang="th"))
    assert budget.startswith("฿") and budget in facts
    assert page.console_errors == []


def test_japanese_reader_on_the_indonesian_team(page, demo):
    kenji = demo["users"]["intern"]
    _prefer(kenji, "ja")

    body = _sign_in_in(page, "kenji", "ja")
    _assert_nav_translated(page, "ja")
    _assert_today_in(body, "ja", demo["indonesia"])
    # #MultiFrame's 53,000,000 views count in 万 (5300万), not millions.
    views = _plain(l10n.compact(demo["frame"].views, lang="ja"))
    assert views.endswith("万") and views in body

    page.goto(f"/events/{demo['dwp'].pk}/")
    facts = _plain(page.locator("dl.facts").first.inner_text())
    assert _plain(l10n.money(demo["dwp"].budget, "IDR", lang="ja")) in facts
    assert page.console_errors == []


@pytest.mark.skipif(os.environ.get("OPSPORTAL_SCREENSHOTS") != "1", reason="run by scripts/screenshots.py")
def test_language_screenshots(browser, live_server, demo):
    """dashboard-id/th/ja.png for the README: the same dashboard read in each team's language."""
    OUT.mkdir(parents=True, exist_ok=True)
    readers = [("id", "budi"), ("th", "nok"), ("ja", "kenji")]
    for lang, username in readers:
        user = next(u for u in demo["users"].values() if u.username == username)
        _prefer(user, lang)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        page = context.new_page()
        sign_in(page, username)
        page.goto("/")
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == lang
        page.screenshot(path=str(OUT / f"dashboard-{lang}.png"), full_page=True)
        context.close()


def test_compact_units_differ_by_language():
    """Guards the browser checks above: each language really has its own unit for the same count."""
    assert {_plain(l10n.compact(5_700_000, lang)) for lang in ("en", "id", "th", "ja")} == {
        "5.7M",
        "5,7 jt",
        "5.7 ล้าน",
        "570万",
    }
    assert l10n.local_date(dt.date(2018, 7, 4), lang="ja") == "2018年7月4日"
