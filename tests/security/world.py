"""A two-country test world: a record of every kind in Indonesia and in Thailand, carrying markers.

Unique marker strings are planted in text fields. A response that shows a marker to someone
who may not see its record has leaked it. Records of apps other than the four (reports,
imports, feeds, webhooks, ...) are built generically, so models added later are covered too.
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from opsportal.access import COUNTRY_PATHS
from opsportal.models import ApiToken
from tests import factories as fac

# The countries' records that the doors serve, built per country below. The access module also
# scopes weekly reports, webhook deliveries, saved views, import jobs and notifications: the world
# builds those as extras, from their fields.
# The markets and the team (countries, memberships) live on the floor but are records like these.
FLOOR_RECORDS = {"opsportal.country", "opsportal.teammembership"}
RECORD_PATHS = {
    label: path
    for label, path in COUNTRY_PATHS.items()
    if label.split(".")[0] in {"locales", "influencers", "challenges", "events", "agreements"} or label in FLOOR_RECORDS
}

ID_MARK = "zqxID7c1mark"
ID_GOV_MARK = "zqxIDGOV5e2mark"
TH_MARK = "zqxTH9d4mark"
TH_GOV_MARK = "zqxTHGOV3b8mark"
PRIVATE_MARK = "zqxPRIVATE6a0mark"
# Finance records (creator agreements, fees, payments): only finance viewers may see these.
ID_FIN_MARK = "zqxIDFIN8f1mark"
TH_FIN_MARK = "zqxTHFIN2c7mark"
ALL_MARKS = (ID_MARK, ID_GOV_MARK, TH_MARK, TH_GOV_MARK, PRIVATE_MARK, ID_FIN_MARK, TH_FIN_MARK)

# Someone's own things: nobody but their owner and an administrator may see them.
PERSONAL_MODELS = {
    "opsportal.savedview",
    "notifications.notification",
    "opsportal.reminderdelivery",
    "feeds.calendarfeedtoken",
    "imports.importmapping",
    "imports.importjob",
}
NOT_BUILT = {"admin", "contenttypes", "sessions"}
FOUR_APPS = {"locales", "influencers", "challenges", "events", "agreements"}
FIN_MARKS = {"ID": ID_FIN_MARK, "TH": TH_FIN_MARK}


def make_token(name: str, countries, scopes, **kwargs) -> tuple[ApiToken, str]:
    key = ApiToken.generate_key()
    token = ApiToken(name=name, scopes=list(scopes), **kwargs)
    token.set_key(key)
    token.save()
    token.countries.set(countries)
    return token, key


def member(country, role, username, *, staff=False):
    user = fac.UserFactory(username=username, is_staff=staff)
    fac.StaffProfileFactory(user=user)
    fac.MembershipFactory(user=user, country=country, role=role)
    return user


class World:
    def __init__(self):
        self.id = fac.CountryFactory(code="ID", local_office=f"Jakarta {ID_MARK}")
        self.th = fac.CountryFactory(code="TH", local_office=f"Bangkok {TH_MARK}")
        self.objects = {
            "ID": self._records(self.id, "ID", ID_MARK, ID_GOV_MARK),
            "TH": self._records(self.th, "TH", TH_MARK, TH_GOV_MARK),
        }
        self.stranger = fac.UserFactory(username="stranger")
        self.extras: dict[str, dict[str, models.Model | None]] = {"ID": {}, "TH": {}}
        self.actor = None  # the person a test is acting as, for routes that need their own secret

    @staticmethod
    def _records(country, code, mark, gov_mark) -> dict[str, models.Model]:
        o: dict[str, models.Model] = {"country": country}
        moment = fac.CulturalMomentFactory(country=country, name=f"Festival {code} {mark}")
        o["culturalmoment"] = moment
        o["culturalmomentoccurrence"] = fac.OccurrenceFactory(moment=moment)
        influencer = fac.InfluencerFactory(
            country=country, name=f"Creator {code} {mark}", notes=f"notes {mark}", email=f"c-{code}@example.com"
        )
        o["influencer"] = influencer
        account = fac.PlatformAccountFactory(influencer=influencer, handle=f"creator{code.lower()}{mark}")
        o["platformaccount"] = account
        o["followersnapshot"] = fac.FollowerSnapshotFactory(account=account)
        o["influencerinteraction"] = fac.InfluencerInteractionFactory(influencer=influencer, summary=f"Met {mark}")
        challenge = fac.ChallengeFactory(country=country, hashtag=f"dance{code.lower()}{mark}", title=f"Dance {mark}")
        o["challenge"] = challenge
        o["challengeparticipation"] = fac.ParticipationFactory(challenge=challenge, influencer=influencer)
        o["challengemetricsnapshot"] = fac.MetricSnapshotFactory(challenge=challenge)
        event = fac.EventFactory(country=country, name=f"Meet-up {code} {mark}", venue=f"Hall {mark}")
        o["event"] = event
        partner = fac.PartnerFactory(country=country, name=f"Partner {code} {mark}")
        o["partner"] = partner
        o["eventpartner"] = fac.EventPartnerFactory(event=event, partner=partner)
        o["eventtask"] = fac.EventTaskFactory(event=event, title=f"Task {mark}")
        o["eventguest"] = fac.EventGuestFactory(event=event, influencer=influencer, notes=f"guest {mark}")
        fin = FIN_MARKS[code]
        agreement = fac.AgreementFactory(
            country=country,
            influencer=influencer,
            challenge=challenge,
            title=f"Seeding {code} {fin}",
            notes=f"fee terms {fin}",
            fee=987654321,
        )
        o["agreement"] = agreement
        o["deliverable"] = fac.DeliverableFactory(agreement=agreement, description=f"Videos {fin}", hashtag=f"tag{fin}")
        o["payment"] = fac.PaymentFactory(agreement=agreement, amount=123456789, reference=f"Transfer {fin}")
        o["teammembership"] = fac.MembershipFactory(country=country, user=fac.UserFactory(username=f"team-{code}"))
        contact = fac.GovernmentContactFactory(
            country=country, person_name=f"Official {code} {gov_mark}", notes=f"confidential {gov_mark}"
        )
        o["governmentcontact"] = contact
        incident = fac.IncidentFactory(country=country, title=f"Ban {code} {gov_mark}", summary=gov_mark)
        o["regulatoryincident"] = incident
        o["governmentinteraction"] = fac.GovernmentInteractionFactory(
            contact=contact, country=country, incident=incident, summary=f"Minister meeting {gov_mark}"
        )
        o["governmentcommitment"] = fac.CommitmentFactory(
            country=country, incident=incident, contact=contact, description=f"Promise {gov_mark}"
        )
        o["regulatorrequest"] = fac.RegulatorRequestFactory(
            country=country,
            incident=incident,
            contact=contact,
            commitment=o["governmentcommitment"],
            authority=f"Authority {code} {gov_mark}",
            summary=f"Take down {gov_mark}",
        )
        o["requestitem"] = fac.RequestItemFactory(
            request=o["regulatorrequest"], target=f"https://example.com/{gov_mark}", note=f"Removed {gov_mark}"
        )
        return o

    def record(self, model, code: str):
        """The world's record of ``model`` in country ``code`` (or its only one), else None."""
        if model is None:
            return None
        if model is get_user_model():
            return self.stranger
        if (
            model._meta.app_label in FOUR_APPS or model._meta.label_lower in FLOOR_RECORDS
        ) and model._meta.model_name in self.objects[code]:
            return self.objects[code][model._meta.model_name]
        return self.extras[code].get(model._meta.label_lower)

    def country_code_of(self, obj) -> str | None:
        country_id = getattr(obj, "country_id", None)
        if obj is None:
            return None
        if obj._meta.label_lower == "opsportal.country":
            country_id = obj.pk
        return {self.id.pk: "ID", self.th.pk: "TH"}.get(country_id)

    # --- everything else, built from the model's own fields --------------------------------
    def build_extras(self) -> None:
        pending = [
            m
            for m in apps.get_models()
            if m._meta.app_label not in NOT_BUILT
            and m._meta.label_lower not in RECORD_PATHS
            and not m.__name__.startswith("Historical")
            and m is not get_user_model()
            and m._meta.label_lower != "auth.permission"
        ]
        n = 0
        for _ in range(2):  # a model pointing at another extra (a delivery's subscription) builds second
            for model in list(pending):
                label = model._meta.label_lower
                has_country = any(
                    f.is_relation and f.related_model._meta.label_lower == "opsportal.country"
                    for f in model._meta.concrete_fields
                )
                built = {}
                for code, country, mark in (("ID", self.id, ID_MARK), ("TH", self.th, TH_MARK)):
                    if not has_country and code == "TH":
                        built["TH"] = built["ID"]
                        continue
                    parts = [PRIVATE_MARK if label in PERSONAL_MODELS else "", mark if has_country else ""]
                    text = " ".join(p for p in parts if p) or "extra"
                    n += 1
                    obj = self._build(model, country if has_country else None, code, text, n)
                    if obj is None:
                        break
                    built[code] = obj
                if len(built) == 2:
                    self.extras["ID"][label] = built["ID"]
                    self.extras["TH"][label] = built["TH"]
                    pending.remove(model)
        self._realistic_reports()

    def _realistic_reports(self) -> None:
        """Weekly reports hold the figures the report builder computes from the world's records
        (challenge titles, incidents...), so a report page can leak what its reader may not see."""
        try:
            from reports.figures import country_figures
        except ImportError:
            return
        for code, country in (("ID", self.id), ("TH", self.th)):
            report = self.extras[code].get("reports.weeklyreport")
            if report is None:
                continue
            week = timezone.localdate().strftime("%G-W%V")
            report.week = week
            report.data = country_figures(country, week)
            report.save()

    def _build(self, model, country, code: str, text: str, n: int):
        special = SPECIAL_BUILDERS.get(model._meta.label_lower)
        if special is not None:
            return special(self, country, code, text)
        values = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            optional = field.null or field.blank or field.has_default()
            if field.is_relation:
                target = field.related_model
                if target is get_user_model():
                    values[field.name] = self.stranger
                elif target._meta.label_lower == "opsportal.country":
                    values[field.name] = country
                elif not optional:
                    related = self.record(target, code)
                    if related is None:
                        return None
                    values[field.name] = related
                continue
            special = isinstance(field, models.EmailField | models.URLField | models.SlugField)
            free_text = isinstance(field, models.CharField | models.TextField) and not field.choices
            if free_text and not special and not field.unique:
                if field.max_length is None or field.max_length >= len(text) + 6 or not optional:
                    values[field.name] = _value(field, text, n)
                continue
            if isinstance(field, models.JSONField) and isinstance(field.get_default(), dict):
                values[field.name] = {"note": text}
                continue
            if optional:
                continue
            try:
                values[field.name] = _value(field, f"{text}-{n}" if field.unique else text, n)
            except LookupError:
                return None
        try:
            with transaction.atomic():
                return model._default_manager.create(**values)
        except Exception:  # noqa: BLE001 — a model with rules of its own: its routes are reported unfillable
            return None


def _budget_line(world, country, code: str, text: str):
    """A budget line points at exactly one record (an event here): the generic builder sets neither."""
    from budgets.models import BudgetLine

    event = world.record(apps.get_model("events", "Event"), code)
    return BudgetLine.objects.create(
        country=country, event=event, category="venue", description=text, planned=1, currency=country.currency
    )


# Models with a rule the generic builder cannot guess (one of two links set).
SPECIAL_BUILDERS = {"budgets.budgetline": _budget_line}


def _value(field, text: str, n: int):
    """A plausible value for a required field (free text carries the marker)."""
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.EmailField):
        return f"x{n}@example.com"
    if isinstance(field, models.URLField):
        return f"https://example.com/{n}"
    if isinstance(field, models.SlugField):
        return f"slug-{n}"
    if isinstance(field, models.FileField):
        return f"uploads/x{n}.csv"
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.CharField | models.TextField):
        value = f"{text} {n}"
        return value[: field.max_length] if field.max_length else value
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.DecimalField | models.IntegerField | models.FloatField):
        return 1
    if isinstance(field, models.JSONField):
        return {"note": text}
    raise LookupError(field.name)
