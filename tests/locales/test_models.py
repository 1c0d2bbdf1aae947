"""The database guards markets, teams and government records (PostgreSQL in CI)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from locales.models import Country, CulturalMomentOccurrence, GovernmentContact, RegulatoryIncident
from tests import factories as f

pytestmark = pytest.mark.django_db


def rejected(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_country_code_is_unique_and_iso(indonesia):
    rejected(lambda: Country.objects.create(code="ID", name="Again", timezone="Asia/Jakarta", currency="IDR"))
    with pytest.raises(ValidationError) as error:
        Country(code="id", name="Lower", timezone="Asia/Jakarta", currency="IDR").full_clean()
    assert "code" in error.value.message_dict


@pytest.mark.parametrize(("field", "value"), [("timezone", "Asia/Atlantis"), ("currency", "Rupiah")])
def test_country_timezone_and_currency_are_checked(field, value, db):
    country = Country(code="XX", name="Nowhere", timezone="UTC", currency="USD")
    setattr(country, field, value)
    with pytest.raises(ValidationError) as error:
        country.full_clean()
    assert list(error.value.message_dict) == [field]


def test_occurrence_end_cannot_be_before_start(indonesia):
    moment = f.CulturalMomentFactory(country=indonesia)
    start = dt.date(2026, 4, 13)
    rejected(lambda: f.OccurrenceFactory(moment=moment, starts_on=start, ends_on=start - dt.timedelta(days=1)))
    with pytest.raises(ValidationError) as error:
        CulturalMomentOccurrence(
            moment=moment, year=2026, starts_on=start, ends_on=start - dt.timedelta(days=1)
        ).full_clean()
    assert list(error.value.message_dict) == ["ends_on"]


def test_one_occurrence_per_moment_and_year(indonesia):
    occurrence = f.OccurrenceFactory(moment__country=indonesia)
    rejected(lambda: f.OccurrenceFactory(moment=occurrence.moment, year=occurrence.year))


def test_moment_name_is_unique_per_country(indonesia, thailand):
    f.CulturalMomentFactory(country=indonesia, name="Lebaran")
    rejected(lambda: f.CulturalMomentFactory(country=indonesia, name="Lebaran"))
    f.CulturalMomentFactory(country=thailand, name="Lebaran")


def test_incident_cannot_be_resolved_before_it_opened(indonesia):
    opened = timezone.now()
    rejected(lambda: f.IncidentFactory(country=indonesia, opened_at=opened, resolved_at=opened - dt.timedelta(days=1)))
    incident = f.IncidentFactory.build(country=indonesia, opened_at=opened, resolved_at=opened - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        incident.full_clean()
    assert list(error.value.message_dict) == ["resolved_at"]


def test_days_restricted_cannot_be_negative(indonesia):
    rejected(lambda: f.IncidentFactory(country=indonesia, days_restricted=-1))
    with pytest.raises(ValidationError) as error:
        f.IncidentFactory.build(country=indonesia, days_restricted=-1).full_clean()
    assert "days_restricted" in error.value.message_dict


def test_one_seat_per_person_and_country(id_operator, indonesia):
    rejected(lambda: f.MembershipFactory(user=id_operator, country=indonesia, role="viewer"))


def test_deleting_a_contact_or_incident_with_interactions_is_refused(indonesia):
    incident = f.IncidentFactory(country=indonesia)
    interaction = f.GovernmentInteractionFactory(contact__country=indonesia, incident=incident)
    with pytest.raises(ProtectedError), transaction.atomic():
        interaction.contact.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        incident.delete()
    assert GovernmentContact.objects.filter(pk=interaction.contact_id).exists()
    assert RegulatoryIncident.objects.filter(pk=incident.pk).exists()


def test_deleting_an_incident_with_commitments_is_refused(indonesia):
    incident = f.IncidentFactory(country=indonesia)
    f.CommitmentFactory(country=indonesia, incident=incident)
    with pytest.raises(ProtectedError), transaction.atomic():
        incident.delete()


def test_deleting_a_country_with_records_is_refused(indonesia, id_operator):
    with pytest.raises(ProtectedError), transaction.atomic():
        indonesia.delete()
