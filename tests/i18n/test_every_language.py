"""Every page of the pseudo-locale run and every email, read in each of the seven languages.

What a person reads must never show a Python ``None``, a raw ISO timestamp, a login name where
a person's name belongs, or an English sentence the catalogue translates (a string that escaped
the translation machinery, or a value rendered outside the active language).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from locales.models import Country, StaffProfile
from opsportal.models import ReminderDelivery
from reminders import emails as reminder_emails
from reminders import services as reminder_services
from reports import render, services
from reports.models import WeeklyReport
from tests.i18n import po, pseudo
from tests.i18n.test_pseudo_locale import PAGES
from tests.seeded import demo_data_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ISO_STAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?")
NONE = re.compile(r"\bNone\b")
EMAIL = re.compile(r"\S+@\S+")
LOCALE = Path(settings.LOCALE_PATHS[0])


_english: dict[str, list[str]] = {}


def english_sentences(lang: str) -> list[str]:
    """Messages of three words or more whose translation differs: seen verbatim, they leaked."""
    if lang not in _english:
        found = []
        if lang != settings.LANGUAGE_CODE:
            for entry in po.parse(LOCALE / lang / "LC_MESSAGES" / "django.po"):
                if entry.is_header or not entry.translated or "%" in entry.msgid or "{" in entry.msgid:
                    continue
                if len(entry.msgid.split()) >= 3 and entry.msgid not in entry.translations:
                    found.append(entry.msgid)
        _english[lang] = found
    return _english[lang]


@pytest.fixture(scope="module")
def logins(demo_data, django_db_blocker):
    """Login names of people who have a display name: those must never be shown instead of it."""
    with django_db_blocker.unblock():
        return {
            u.username for u in get_user_model().objects.all() if u.get_full_name() and u.get_full_name() != u.username
        }


def problems(text: str, lang: str, logins: set[str]) -> list[str]:
    found = []
    if NONE.search(text):
        found.append("None: " + text[max(0, NONE.search(text).start() - 60) :][:120].replace("\n", " "))
    stamp = ISO_STAMP.search(text)
    if stamp:
        found.append(f"ISO timestamp {stamp.group(0)!r}")
    words = set(re.findall(r"[\w.-]+", EMAIL.sub(" ", text)))  # an address may contain the login
    found += [f"login name {name!r} instead of a name" for name in sorted(logins & words)]
    found += [f"untranslated {s!r}" for s in english_sentences(lang) if s in text]
    return found


def report_pages() -> dict:
    """The weekly report as the portal shows it: stored and previewed."""
    indonesia = Country.objects.get(code="ID")
    week = services.default_week(indonesia)
    stored = WeeklyReport.objects.create(
        country=indonesia, week=week, data=services.build_country_report(indonesia, week)
    )
    # (The HQ report's page is for HQ viewers, not this lead: its email is read below.)
    return {
        "report": lambda: reverse("reports:detail", args=[stored.pk]),
        "report-preview": lambda: reverse("reports:preview"),
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_reads_right_in_every_language(lang, client, demo_data, logins):
    lead = get_user_model().objects.get(username="id-lead")
    StaffProfile.objects.filter(user=lead).update(preferred_language=lang)
    client.force_login(lead)
    failures = []
    for page, url in {**PAGES, **report_pages()}.items():
        response = client.get(url())
        assert response.status_code == 200, (lang, page, response.status_code)
        assert response["Content-Language"] == lang
        failures += [f"{page}: {p}" for p in problems(pseudo.visible_text(response.content.decode()), lang, logins)]
    assert not failures, f"{lang}: {len(failures)} problem(s)\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_email_reads_right_in_every_language(lang, demo_data, logins):
    indonesia = Country.objects.get(code="ID")
    failures = []
    week = services.default_week(indonesia)
    for hq in (False, True):
        data = services.build_hq_report(week) if hq else services.build_country_report(indonesia, week)
        email = render.render_email(data, hq=hq, government=True, language=lang)
        for part, text in (("html", pseudo.visible_text(email.html)), ("text", email.text), ("subject", email.subject)):
            failures += [f"{'hq' if hq else 'country'} report {part}: {p}" for p in problems(text, lang, logins)]

    occasions = reminder_services.occasions_for(indonesia)
    kinds = {o.kind for o in occasions}
    assert len(kinds) >= 4, f"the demo should trigger several kinds of reminder, got {sorted(kinds)}"
    StaffProfile.objects.update(preferred_language=lang)
    for occasion in occasions:
        row = ReminderDelivery(kind=occasion.kind, recipient_id=occasion.recipient_id, payload=occasion.payload)
        email, language = reminder_emails.delivery_email(row)
        assert language == lang
        for part, text in (("html", pseudo.visible_text(email.html)), ("text", email.text), ("subject", email.subject)):
            failures += [f"reminder {occasion.kind} {part}: {p}" for p in problems(text, lang, logins)]
    translation.activate("en")
    assert not failures, f"{lang}: {len(failures)} problem(s)\n" + "\n".join(failures[:40])
