"""Every admin page opens for an administrator, with the demo story in it."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape

pytestmark = pytest.mark.django_db

# The system writes these; nobody adds them by hand in the admin.
NO_ADD = {
    "influencers.followersnapshot",
    "challenges.challengemetricsnapshot",
    "opsportal.auditentry",
    "opsportal.reminderdelivery",
    "reports.weeklyreport",
    "notifications.notification",
}
EVERY_ADMIN = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)
# The records of the four apps, the floor's, the reports and the inbox, and the people; other modules test their admins.
OURS = {"locales", "influencers", "challenges", "events", "opsportal", "reports", "notifications", "auth"}
MODELS = [model for model in EVERY_ADMIN if model._meta.app_label in OURS]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label_lower)
def test_changelist_add_change_and_history_pages(model, login, system_rows):
    client = login("admin")
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0, "the demo data shows in the list"

    obj = model._default_manager.order_by("pk").first()
    response = client.get(url(model, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["original"].pk == obj.pk

    response = client.get(url(model, "add"))
    assert response.status_code == (403 if model._meta.label_lower in NO_ADD else 200)

    if hasattr(model, "history") or model._meta.app_label in {"auth", "opsportal", "reports", "notifications"}:
        assert client.get(url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", EVERY_ADMIN, ids=lambda model: model._meta.label_lower)
def test_every_changelist_opens(model, login, demo_data):
    assert login("admin").get(url(model, "changelist")).status_code == 200


def test_the_index_lists_every_app(login, demo_data):
    response = login("admin").get(reverse("admin:index"))
    assert response.status_code == 200
    for app in ("Locales", "Influencers", "Challenges", "Events", "OpsPortal"):
        assert app.lower() in response.content.decode().lower()


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        ("challenges.challenge", "SatuFrameRame", ["#SatuFrameRame", "53,000,000"]),
        ("influencers.influencer", "Kaykai", ["เก๋ไก๋ สไลเดอร์"]),
        ("influencers.platformaccount", "kaykaisalaider", ["kaykaisalaider"]),
        ("events.event", "DWP", ["Official video media platform", "1,500,000,000.00 IDR"]),
        ("locales.regulatoryincident", "", ["Temporary block of the app by Kominfo", "3 Jul 2018"]),
        ("locales.governmentinteraction", "Minister", ["4 Jul 2018"]),
        ("locales.culturalmoment", "Songkran", ["สงกรานต์"]),
        ("opsportal.country", "", ["Asia/Jakarta", "Aug. 1, 2017"]),
    ],
)
def test_the_story_shows_in_the_lists(model, query, expected, login, demo_data):
    app_label, model_name = model.split(".")
    response = login("admin").get(reverse(f"admin:{app_label}_{model_name}_changelist"), {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    for text in expected:
        assert escape(text) in page or text in page, text


def test_local_times_are_shown_in_the_country_clock(login, demo_data):
    response = login("admin").get(reverse("admin:locales_regulatoryincident_changelist"))
    assert "3 Jul 2018 12:00 WIB" in response.content.decode()


def test_a_challenge_shows_its_newest_metric_history_read_only(login, demo_data):
    from challenges.models import Challenge

    frame = Challenge.objects.get(hashtag="SatuFrameRame")
    response = login("admin").get(url(Challenge, "change", frame.pk))
    formsets = {f.formset.prefix: f for f in response.context["inline_admin_formsets"]}
    history = formsets["snapshots"]
    assert not history.has_change_permission and not history.has_add_permission
    assert len(history.formset.forms) == min(30, frame.snapshots.count())
    newest = frame.snapshots.order_by("-captured_at").first()
    assert history.formset.forms[0].instance == newest
    assert "Full metric history" in response.content.decode()


def test_a_new_api_token_key_is_shown_once_and_only_its_hash_kept(login, demo_data):
    from locales.models import Country
    from opsportal.models import ApiToken, AuditEntry

    client = login("admin")
    indonesia = Country.objects.get(code="ID")
    response = client.post(
        url(ApiToken, "add"),
        {"name": "Hashtag importer", "countries": [indonesia.pk], "scopes": ["read", "write"]},
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    token = ApiToken.objects.get(name="Hashtag importer")
    key = next(m for m in messages if "ops_" in m).split("<code>")[1].split("</code>")[0]
    assert ApiToken.hash_key(key) == token.key_hash and key.startswith(token.prefix)
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    assert token.created_by.username == "admin"
    # The change page never shows it again.
    assert key not in client.get(url(ApiToken, "change", token.pk)).content.decode()
    assert AuditEntry.objects.filter(action="token.create", door="admin").exists()


def test_a_token_is_not_made_already_expired_by_either_door(login, demo_data, capsys):
    """The admin and ``create_api_token`` make tokens through one service (opsportal.tokens):
    the same refusal of an expiry in the past, the same audit entry."""
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from locales.models import Country
    from opsportal.models import ApiToken, AuditEntry

    client = login("admin")
    indonesia = Country.objects.get(code="ID")
    past = timezone.localtime() - dt.timedelta(days=1)
    response = client.post(
        url(ApiToken, "add"),
        {
            "name": "Yesterday's",
            "countries": [indonesia.pk],
            "scopes": ["read"],
            "expires_at_0": past.strftime("%Y-%m-%d"),
            "expires_at_1": past.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert "expires_at" in response.context["adminform"].form.errors
    assert not ApiToken.objects.filter(name="Yesterday's").exists()

    call_command("create_api_token", "--name", "warehouse", "--countries", "ID", "--expires-days", "30")
    assert AuditEntry.objects.filter(action="token.create", door="command").count() == 1
    assert ApiToken.objects.get(name="warehouse").key_hash == ApiToken.hash_key(capsys.readouterr().out.split()[-1])


def test_revoking_tokens(login, system_rows):
    from opsportal.models import ApiToken

    token = ApiToken.objects.get(name="Metrics importer")
    response = login("admin").post(
        url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active


SYSTEM = ["opsportal.auditentry", "opsportal.reminderdelivery", "reports.weeklyreport"]


@pytest.mark.parametrize("model_label", SYSTEM)
def test_system_records_are_read_only_even_for_administrators(model_label, login, system_rows):
    model = next(m for m in MODELS if m._meta.label_lower == model_label)
    obj = model._default_manager.first()
    client = login("admin")
    assert client.get(url(model, "add")).status_code == 403
    assert client.post(url(model, "change", obj.pk), {}).status_code == 403
    assert client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=obj.pk).exists()
