"""factory_boy factories for every record; tests build exactly the data they need."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from budgets.models import BudgetLine, ExchangeRate
from challenges.models import Challenge, ChallengeMetricSnapshot, ChallengeParticipation
from events.models import Event, EventGuest, EventPartner, EventTask, Partner
from influencers.models import FollowerSnapshot, Influencer, InfluencerInteraction, PlatformAccount
from locales.models import (
    Country,
    CulturalMoment,
    CulturalMomentOccurrence,
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatorRequest,
    RegulatoryIncident,
    RequestItem,
    Role,
    StaffProfile,
    TeamMembership,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "ID"
    name = factory.LazyAttribute(lambda c: {"ID": "Indonesia", "TH": "Thailand", "JP": "Japan"}.get(c.code, c.code))
    languages = factory.LazyAttribute(lambda c: [{"ID": "id", "TH": "th", "JP": "ja"}.get(c.code, "en")])
    default_language = factory.LazyAttribute(lambda c: c.languages[0])
    timezone = factory.LazyAttribute(
        lambda c: {"ID": "Asia/Jakarta", "TH": "Asia/Bangkok", "JP": "Asia/Tokyo", "DE": "Europe/Berlin"}.get(
            c.code, "UTC"
        )
    )
    currency = factory.LazyAttribute(lambda c: {"ID": "IDR", "TH": "THB", "JP": "JPY", "DE": "EUR"}.get(c.code, "USD"))


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    user = factory.SubFactory(UserFactory)
    country = factory.SubFactory(CountryFactory)
    role = Role.OPERATOR


class CulturalMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CulturalMoment

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Festival {n}")


class OccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CulturalMomentOccurrence

    moment = factory.SubFactory(CulturalMomentFactory)
    year = 2026
    starts_on = dt.date(2026, 4, 13)
    ends_on = dt.date(2026, 4, 15)


class InfluencerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Influencer

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Creator {n}")


class PlatformAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformAccount

    influencer = factory.SubFactory(InfluencerFactory)
    platform = "tiktok"
    handle = factory.Sequence(lambda n: f"creator{n}")


class FollowerSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowerSnapshot

    account = factory.SubFactory(PlatformAccountFactory)
    date = dt.date(2026, 11, 1)
    followers = 1000


class InfluencerInteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InfluencerInteraction

    influencer = factory.SubFactory(InfluencerFactory)
    kind = "message"
    occurred_at = factory.LazyFunction(timezone.now)
    summary = "Said hello"


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    country = factory.SubFactory(CountryFactory)
    hashtag = factory.Sequence(lambda n: f"challenge{n}")
    title = factory.Sequence(lambda n: f"Challenge {n}")
    format = "dance"


class MetricSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChallengeMetricSnapshot

    challenge = factory.SubFactory(ChallengeFactory)
    captured_at = factory.Sequence(lambda n: timezone.now() - dt.timedelta(hours=n + 1))
    views = 1000


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChallengeParticipation

    challenge = factory.SubFactory(ChallengeFactory)
    influencer = factory.SubFactory(InfluencerFactory, country=factory.SelfAttribute("..challenge.country"))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Meet-up {n}")
    kind = "meet_up"
    city = "Jakarta"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + dt.timedelta(hours=4))
    currency = factory.LazyAttribute(lambda e: e.country.currency)
    budget = Decimal("1000000")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")


class EventPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventPartner

    event = factory.SubFactory(EventFactory)
    partner = factory.SubFactory(PartnerFactory, country=factory.SelfAttribute("..event.country"))
    role = "organizer"


class EventTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventTask

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=2))


class EventGuestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventGuest

    event = factory.SubFactory(EventFactory)
    influencer = factory.SubFactory(InfluencerFactory, country=factory.SelfAttribute("..event.country"))


class GovernmentContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernmentContact

    country = factory.SubFactory(CountryFactory)
    organization = "Ministry of Communications and Information Technology"
    person_name = factory.Sequence(lambda n: f"Official {n}")


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegulatoryIncident

    country = factory.SubFactory(CountryFactory)
    title = factory.Sequence(lambda n: f"Incident {n}")
    kind = "ban"
    opened_at = factory.LazyFunction(timezone.now)


class GovernmentInteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernmentInteraction

    contact = factory.SubFactory(GovernmentContactFactory)
    country = factory.SelfAttribute("contact.country")
    kind = "meeting"
    occurred_at = factory.LazyFunction(timezone.now)
    summary = "Met to discuss"


class RegulatorRequestFactory(factory.django.DjangoModelFactory):
    """Saved as it stands (no service): ``deadline`` is 48 hours after receipt unless given."""

    class Meta:
        model = RegulatorRequest

    country = factory.SubFactory(CountryFactory)
    kind = "takedown"
    authority = "Ministry of Communications and Information Technology"
    reference = factory.Sequence(lambda n: f"REQ-{n}")
    received_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(lambda o: o.received_at + dt.timedelta(hours=48))


class RequestItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestItem

    request = factory.SubFactory(RegulatorRequestFactory)
    target = factory.Sequence(lambda n: f"https://example.com/video/{n}")


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernmentCommitment

    country = factory.SubFactory(CountryFactory)
    description = "Remove flagged content within 24 hours"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.Agreement"

    country = factory.SubFactory(CountryFactory)
    influencer = factory.SubFactory(InfluencerFactory, country=factory.SelfAttribute("..country"))
    challenge = factory.SubFactory(ChallengeFactory, country=factory.SelfAttribute("..country"))
    title = factory.Sequence(lambda n: f"Seeding agreement {n}")
    fee = 15_000_000
    currency = factory.LazyAttribute(lambda a: a.country.currency)


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.Deliverable"

    agreement = factory.SubFactory(AgreementFactory)
    description = "Three videos with the hashtag"
    videos_required = 1
    due_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=7))


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.Payment"

    agreement = factory.SubFactory(AgreementFactory)
    amount = 5_000_000
    currency = factory.LazyAttribute(lambda p: p.agreement.currency)
    due_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=14))


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    event = factory.SubFactory(EventFactory)
    country = factory.LazyAttribute(lambda line: (line.event or line.challenge).country)
    category = "venue"
    description = factory.Sequence(lambda n: f"Line {n}")
    planned = Decimal("1000000")
    actual = None
    currency = factory.LazyAttribute(lambda line: (line.event or line.challenge).country.currency)


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    currency = "IDR"
    reporting_currency = "USD"
    rate = Decimal("0.0000740000")
    valid_on = factory.Sequence(lambda n: dt.date(2017, 1, 1) + dt.timedelta(days=n))
    source = "Bank Indonesia mid-rate"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "goals.CountryGoal"

    country = factory.SubFactory(CountryFactory)
    # Unique per country, quarter and metric: each new goal takes the next quarter.
    year = factory.Sequence(lambda n: 2000 + n // 4)
    quarter = factory.Sequence(lambda n: n % 4 + 1)
    metric = "core_active"
    target = 100


class ExternalFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "goals.ExternalFigure"

    country = factory.SubFactory(CountryFactory)
    metric = "monthly_active_users"
    measured_on = factory.Sequence(lambda n: dt.date(2018, 1, 1) + dt.timedelta(days=n))
    value = 10_000_000
    source = "App analytics, monthly report"
