"""Exchange rates come in from a file through the imports app (no internet needed)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from budgets.models import ExchangeRate

pytestmark = pytest.mark.django_db


def _import(tmp_path, user, csv: str) -> int:
    path = tmp_path / "rates.csv"
    path.write_text(csv, encoding="utf-8")
    try:
        call_command(
            "import_records",
            "exchange_rates",
            str(path),
            "--user",
            user.username,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    except SystemExit as exc:
        return exc.code
    return 0


def test_a_lead_imports_rates_either_way_round(tmp_path, id_lead, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    csv = (
        "currency,rate,per_unit,valid_on,source\n"
        "IDR,,13527,2017-12-01,Bank Indonesia JISDOR\n"
        "THB,0.0306,,2017-12-01,Bank of Thailand\n"
    )
    assert _import(tmp_path, id_lead, csv) == 0
    idr = ExchangeRate.objects.get(currency="IDR")
    assert idr.reporting_currency == "USD" and idr.valid_on == dt.date(2017, 12, 1)
    assert idr.rate == (Decimal(1) / Decimal(13527)).quantize(Decimal("0.0000000001"))
    assert idr.created_by == id_lead
    assert ExchangeRate.objects.get(currency="THB").rate == Decimal("0.0306")
    # The same file again changes nothing; a corrected rate updates the day's row.
    assert _import(tmp_path, id_lead, csv) == 0
    assert ExchangeRate.objects.count() == 2


def test_an_operator_may_not_import_rates(tmp_path, id_operator, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert _import(tmp_path, id_operator, "currency,rate,valid_on,source\nIDR,0.00007,2017-12-01,BI\n") != 0
    assert not ExchangeRate.objects.exists()
