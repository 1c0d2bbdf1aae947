"""seed_demo loads the story of PRODUCT.md, keeps cached totals right, and a second run changes nothing."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Max

from challenges.models import Challenge, ChallengeMetricSnapshot, Status
from demo.influencers import crossover
from demo.story import seed
from events.models import Event, EventTask
from influencers.models import FollowerSnapshot, Influencer, InfluencerInteraction, PlatformAccount
from locales.models import (
    Country,
    CulturalMoment,
    CulturalMomentOccurrence,
    GovernmentInteraction,
    RegulatoryIncident,
    Role,
    TeamMembership,
)
from opsportal.models import AuditEntry
from tests.seeded import DEMO_PASSWORD, demo_data_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def last_updates() -> dict[str, dt.datetime | None]:
    return {
        model._meta.label: model._default_manager.aggregate(latest=Max("updated_at"))["latest"]
        for model in apps.get_models()
        if any(field.name == "updated_at" for field in model._meta.fields)
    }


def test_six_markets_with_their_clocks_and_money(demo_data):
    markets = {c.code: c for c in Country.objects.all()}
    assert set(markets) == {"ID", "TH", "MY", "KH", "VN", "JP"}
    assert (markets["ID"].timezone, markets["ID"].currency) == ("Asia/Jakarta", "IDR")
    assert (markets["TH"].timezone, markets["JP"].currency, markets["VN"].currency) == ("Asia/Bangkok", "JPY", "VND")
    assert markets["ID"].launch_date == dt.date(2017, 8, 1) and markets["ID"].local_office == "Jakarta"
    assert all(c.languages for c in markets.values())


def test_the_frame_challenge_reached_53_million_in_about_a_week(demo_data):
    frame = Challenge.objects.get(country__code="ID", hashtag="SatuFrameRame")
    assert frame.status == Status.ENDED
    assert frame.views == 53_000_000
    assert 6 <= (frame.ends_at - frame.starts_at).days <= 8
    views = list(frame.snapshots.order_by("captured_at").values_list("views", flat=True))
    assert len(views) > 20 and views == sorted(views)  # a history, never going down


def test_the_story_challenges_and_their_people(demo_data):
    titles = set(Challenge.objects.values_list("title", flat=True))
    story = {"Reversal challenge (from ugly to beautiful)", "Imitation: The Perfect Match", "Face-lifting challenge"}
    assert story <= titles
    face = Challenge.objects.get(country__code="TH", hashtag="FaceLiftingChallenge")
    assert face.participations.filter(influencer__name__icontains="volleyball", role="seed").exists()
    stars = Influencer.objects.filter(country__code="TH", name__regex=r"^(Tor|Pattie|Non) \(")
    assert stars.count() == 3 and all(star.local_name for star in stars)


def test_influencers_and_their_followings(demo_data):
    kaykai = Influencer.objects.get(name="Kaykai Salaider")
    assert kaykai.local_name == "เก๋ไก๋ สไลเดอร์"
    youtube = kaykai.accounts.get(platform="youtube")
    assert youtube.snapshots.get(date=dt.date(2018, 1, 1)).followers == 5_700_000
    assert kaykai.accounts.get(platform="tiktok").snapshots.filter(followers__gte=2_000_000).exists()
    nate = Influencer.objects.get(name="Nate & Mee").accounts.get(platform="youtube")
    assert nate.snapshots.get(date=dt.date(2018, 1, 1)).followers == 1_500_000
    assert Influencer.objects.filter(country__code="ID", is_core=True).count() > 100
    # Indonesian creators passed Instagram here within a year of joining.
    crossed = Influencer.objects.filter(country__code="ID").exclude(crossed_over_on=None)
    assert crossed.count() >= 3
    for creator in crossed:
        assert (creator.crossed_over_on - creator.joined_platform_on).days < 365


def test_dwp_2017_with_the_platform_as_official_video_media_platform(demo_data):
    dwp = Event.objects.get(name__startswith="DWP 2017")
    assert "official video media platform" in dwp.our_role.lower()
    local = dwp.starts_at.astimezone(ZoneInfo("Asia/Jakarta"))
    assert (local.year, local.month) == (2017, 12)
    assert dwp.event_partners.count() >= 2 and dwp.tasks.count() >= 3 and dwp.guests.count() >= 2
    assert dwp.challenge.hashtag == "DWP17"


def test_songkran_lebaran_and_tet(demo_data):
    songkran = CulturalMoment.objects.get(country__code="TH", name="Songkran")
    assert "sticker" in songkran.content_ideas.lower()
    assert songkran.occurrences.get(year=2018).starts_on == dt.date(2018, 4, 13)
    assert songkran.challenges.filter(sticker_effect__icontains="sticker").exists()
    assert CulturalMoment.objects.get(country__code="ID", name="Lebaran").occurrences.count() >= 5
    assert CulturalMoment.objects.get(country__code="VN", name="Tet").occurrences.get(year=2018).starts_on == dt.date(
        2018, 2, 16
    )


def test_the_july_2018_ban_and_the_meeting_with_the_minister(demo_data):
    ban = RegulatoryIncident.objects.get(country__code="ID", kind="ban")
    jakarta = ZoneInfo("Asia/Jakarta")
    assert ban.opened_at.astimezone(jakarta).date() == dt.date(2018, 7, 3)
    assert ban.resolved_at.astimezone(jakarta).date() == dt.date(2018, 7, 10)
    assert ban.days_restricted == 7
    meeting = ban.interactions.get(kind="meeting", contact__title__icontains="Minister of Communications")
    assert meeting.occurred_at.astimezone(jakarta).date() == dt.date(2018, 7, 4)
    assert ban.commitments.count() >= 2


def test_demo_users_sign_in_with_their_roles(demo_data):
    expected = {
        "id-lead": ("ID", Role.LEAD),
        "id-operator": ("ID", Role.OPERATOR),
        "id-gr": ("ID", Role.GOVERNMENT_RELATIONS),
        "id-viewer": ("ID", Role.VIEWER),
        "th-lead": ("TH", Role.LEAD),
        "th-operator": ("TH", Role.OPERATOR),
    }
    for username, (code, role) in expected.items():
        assert TeamMembership.objects.get(user__username=username).country.code == code
        assert TeamMembership.objects.get(user__username=username).role == role
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="hq-viewer").profile.hq_access == "viewer"
    for username in ["admin", "hq-viewer", *expected]:
        user = User.objects.get(username=username)
        assert user.email and user.profile.preferred_language and user.profile.background
        assert authenticate(username=username, password=DEMO_PASSWORD) == user
    assert [row[0] for row in demo_data["credentials"]] == ["admin", "hq-viewer", *expected]


def test_a_current_scenario_around_today(demo_data):
    today = demo_data["today"]
    midnight = dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC)
    live = Challenge.objects.filter(status=Status.LIVE)
    assert live.count() >= 3
    fortnight = midnight - dt.timedelta(days=14)
    fresh = ChallengeMetricSnapshot.objects.filter(challenge__in=live, captured_at__gte=fortnight)
    assert fresh.values("challenge").distinct().count() == live.count()
    soon = Event.objects.filter(starts_at__gte=midnight, starts_at__lt=midnight + dt.timedelta(days=14))
    assert soon.count() >= 2
    open_tasks = EventTask.objects.filter(event__in=soon, done_at=None)
    assert open_tasks.filter(due_on__lt=today).exists() and open_tasks.filter(due_on=today).exists()
    assert InfluencerInteraction.objects.filter(follow_up_done=False, next_follow_up_on__lte=today).exists()
    assert GovernmentInteraction.objects.filter(follow_up_on__lte=today, follow_up_on__gte=today - dt.timedelta(7))
    month = (today + dt.timedelta(25), today + dt.timedelta(35))
    ahead = CulturalMomentOccurrence.objects.filter(starts_on__range=month)
    assert ahead.exists()


def test_cached_totals_match_the_latest_snapshots(demo_data):
    for challenge in Challenge.objects.all():
        latest = challenge.snapshots.order_by("-captured_at").first()
        if latest is None:
            assert (challenge.views, challenge.metrics_at) == (0, None)
            continue
        assert challenge.metrics_at == latest.captured_at
        for name in ("views", "videos", "likes", "comments", "shares"):
            assert getattr(challenge, name) == getattr(latest, name), (challenge, name)
    for account in PlatformAccount.objects.all():
        latest = account.snapshots.order_by("-date").first()
        assert (account.followers, account.followers_on) == (latest.followers, latest.date)
    for influencer in Influencer.objects.prefetch_related("accounts__snapshots"):
        accounts = list(influencer.accounts.all())
        assert influencer.total_followers == sum(a.followers for a in accounts)
        series = {a.platform: {s.date: s.followers for s in a.snapshots.all()} for a in accounts}
        assert influencer.crossed_over_on == crossover(series), influencer


def test_crossover_is_the_first_day_ours_passes_every_other_platform():
    day = dt.date(2018, 1, 1)
    ours = {day + dt.timedelta(n): 100 * n for n in range(10)}
    instagram = {day: 450, day + dt.timedelta(5): 520}  # carried forward between its counts
    assert crossover({"tiktok": ours, "instagram": instagram}) == day + dt.timedelta(6)
    assert crossover({"tiktok": ours}) is None
    assert crossover({"instagram": instagram}) is None


def test_a_second_run_changes_nothing(demo_data):
    counts, updates = row_counts(), last_updates()
    seeder, _credentials = seed(password=DEMO_PASSWORD, today=demo_data["today"])
    assert seeder.changes == 0, (dict(seeder.created), dict(seeder.updated), dict(seeder.deleted))
    assert row_counts() == counts  # historical tables and the audit trail included
    assert last_updates() == updates


def test_a_later_day_moves_the_current_scenario_without_duplicates(demo_data):
    later = demo_data["today"] + dt.timedelta(days=3)
    counts = row_counts()
    story = ChallengeMetricSnapshot.objects.filter(challenge__hashtag="SatuFrameRame").count()
    seed(password=DEMO_PASSWORD, today=later)
    after = row_counts()
    for label in ("events.Event", "events.EventTask", "challenges.Challenge", "influencers.InfluencerInteraction"):
        assert after[label] == counts[label], label
    assert ChallengeMetricSnapshot.objects.filter(challenge__hashtag="SatuFrameRame").count() == story
    midnight = dt.datetime.combine(later, dt.time.min, tzinfo=dt.UTC)
    for challenge in Challenge.objects.filter(status=Status.LIVE).annotate(n=Count("snapshots")):
        assert challenge.snapshots.filter(captured_at__lt=challenge.starts_at).count() == 0
        assert challenge.metrics_at <= midnight
    assert FollowerSnapshot.objects.filter(date=later).exists()
    seeder, _credentials = seed(password=DEMO_PASSWORD, today=later)
    assert seeder.changes == 0


def test_seeding_is_audited_by_the_command_door(demo_data):
    entries = AuditEntry.objects.filter(action="demo.seed")
    assert entries.exists() and set(entries.values_list("door", flat=True)) == {"command"}
    assert set(Challenge.history.values_list("history_door", flat=True)) == {"command"}


def test_the_command_leaves_a_database_with_records_alone_and_prints_the_logins(demo_data):
    counts, updates = row_counts(), last_updates()
    out = StringIO()
    call_command("seed_demo", password="another-password", today=demo_data["today"].isoformat(), stdout=out)
    text = out.getvalue()
    assert "nothing was loaded or changed" in text and "seed_demo --reset" in text
    for username in ["admin", "hq-viewer", "id-lead", "id-operator", "id-gr", "id-viewer", "th-lead", "th-operator"]:
        assert username in text
    assert row_counts() == counts and last_updates() == updates
    assert authenticate(username="id-lead", password=DEMO_PASSWORD)  # the passwords were not changed either


def test_what_people_changed_in_the_portal_survives_a_restart_of_the_run_command(demo_data, client):
    """The run command calls seed_demo on every start: a pipeline move and a ticked task must stay."""
    client.force_login(get_user_model().objects.get(username="id-operator"))
    influencer = Influencer.objects.filter(country__code="ID").exclude(stage="dormant").order_by("pk").first()
    task = EventTask.objects.filter(event__country__code="ID", done_at__isnull=True).order_by("pk").first()
    assert client.post(f"/influencers/{influencer.pk}/stage/", {"stage": "dormant"}).status_code == 302
    assert client.post(f"/events/tasks/{task.pk}/done/", {"done": "on"}).status_code == 302
    snapshot = ChallengeMetricSnapshot.objects.filter(challenge__country__code="ID").order_by("pk").first()
    snapshot.delete()  # as a person correcting a wrong import would

    call_command("seed_demo", stdout=StringIO())  # what `make run` does when started again

    influencer.refresh_from_db()
    task.refresh_from_db()
    assert influencer.stage == "dormant"
    assert task.done_at is not None
    assert not ChallengeMetricSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_reset_starts_over_and_says_what_it_removed(demo_data):
    Influencer.objects.filter(country__code="ID").update(notes="changed by a person")
    extra = get_user_model().objects.create_user("someone-new", password="x" * 12)
    out = StringIO()
    call_command("seed_demo", "--reset", password=DEMO_PASSWORD, today=demo_data["today"].isoformat(), stdout=out)
    text = out.getvalue()
    assert "Removed everything" in text and "influencers.Influencer:" in text and "Demo data loaded" in text
    assert not get_user_model().objects.filter(pk=extra.pk).exists()
    assert not Influencer.objects.filter(notes="changed by a person").exists()
    assert Country.objects.count() == 6


@pytest.mark.parametrize("options", [{"today": "27/11/2026"}, {"password": "short"}])
def test_the_command_refuses_bad_options(options, db):
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO(), **options)


def test_story_records_are_dated_by_the_story_not_by_the_install(demo_data):
    """The 2018 ban's history says it was created on 3 July 2018 (Jakarta), its commitments at the
    4 July meeting; a 2018 challenge reads as 2018 in its history and its created stamp."""
    from locales.models import GovernmentCommitment

    jakarta = ZoneInfo("Asia/Jakarta")
    ban = RegulatoryIncident.objects.get(country__code="ID", opened_at__year=2018)
    created = ban.history.filter(history_type="+").get()
    assert created.history_date.astimezone(jakarta).date() == dt.date(2018, 7, 3)
    assert ban.created_at.year == 2018
    assert not ban.history.filter(history_date__year__gt=2018).exists()  # no change dated today

    commitments = GovernmentCommitment.objects.filter(incident=ban)
    assert commitments.count() >= 3
    for commitment in commitments:
        made = commitment.history.filter(history_type="+").get().history_date.astimezone(jakarta)
        assert (made.year, made.month, made.day) == (2018, 7, 4), commitment.description

    frame = Challenge.objects.get(country__code="ID", hashtag="SatuFrameRame")
    assert frame.history.filter(history_type="+").get().history_date.year == 2018
    assert frame.created_at.year == 2018

    # The page's history view shows the story's date, not today's.
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(get_user_model().objects.get(username="id-lead"))
    page = client.get(reverse("locales:incident", args=[ban.pk])).content.decode()
    assert "3 Jul 2018" in page
    assert dt.date.today().strftime("%Y-%m-%dT") not in page


def test_records_without_dates_of_their_own_are_born_with_their_parents(demo_data):
    """An account appears with its creator, a guest with its event, a contact's history with the story."""
    from events.models import EventGuest
    from locales.models import GovernmentContact

    kaykai = Influencer.objects.filter(name__startswith="Kaykai").get()
    born = kaykai.history.filter(history_type="+").get().history_date
    assert born.year <= 2018
    for account in PlatformAccount.objects.filter(influencer=kaykai):
        assert account.history.filter(history_type="+").get().history_date >= born
        assert account.history.filter(history_type="+").get().history_date.year <= 2018
    dwp = Event.objects.get(name__startswith="DWP 2017")
    for guest in EventGuest.objects.filter(event=dwp):
        assert guest.history.filter(history_type="+").get().history_date.year == 2017
    minister = GovernmentContact.objects.filter(country__code="ID", title__icontains="minister").first()
    assert minister is not None
    assert minister.history.filter(history_type="+").get().history_date.year <= 2018
