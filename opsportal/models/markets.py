"""The markets: every country record in the portal hangs from one of these."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.validators import MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Case, DateField, DateTimeField, F, Func, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsportal.db import TimeStamped, audit_history, validate_currency, validate_timezone
from opsportal.scope import CountryScopedManager


class Country(TimeStamped):
    """A market with a local operations team."""

    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the ISO 3166-1 alpha-2 code, e.g. ID."))],
        help_text=_("ISO 3166-1 alpha-2, e.g. ID for Indonesia."),
    )
    name = models.CharField(_("name"), max_length=100)
    local_name = models.CharField(_("local name"), max_length=100, blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_('Language codes spoken, e.g. ["id", "en"].')
    )
    default_language = models.CharField(_("team language"), max_length=10, default="en")
    timezone = models.CharField(_("timezone"), max_length=64, validators=[validate_timezone])
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    launch_date = models.DateField(_("launch date"), null=True, blank=True)
    local_office = models.CharField(_("local office"), max_length=200, blank=True)
    dates_day_first = models.BooleanField(
        _("dates are day-first"), default=True, help_text=_("How 04/07/2018 is read in imports.")
    )
    government_touch_days = models.PositiveSmallIntegerField(_("government contact touch threshold (days)"), default=90)
    cold_after_days = models.PositiveSmallIntegerField(
        _("cold relationship threshold (days)"),
        default=60,
        validators=[MinValueValidator(1)],
        help_text=_("An influencer or partner not contacted for this long is going cold."),
    )
    request_deadline_hours = models.PositiveSmallIntegerField(
        _("regulator request deadline (hours)"),
        default=48,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A request from a regulator or a court is due this many hours after it came, unless it says otherwise."
        ),
    )
    extra_report_recipients = models.JSONField(_("extra weekly report recipients"), default=list, blank=True)

    # The table (and its history's) kept the name it had when the model lived in locales.
    history = audit_history(table_name="locales_historicalcountry")

    objects = CountryScopedManager()

    class Meta:
        db_table = "locales_country"
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def natural_key(self):
        return (self.code,)


def local_date(
    zone_field: str, *, now: dt.datetime | None = None, days: int = 0, zones: Iterable[str] | None = None
) -> Func | Case:
    """Each row's date in its country's zone (``zone_field`` names the country's ``timezone``),
    ``days`` later, as an SQL expression.

    On PostgreSQL the database moves ``now`` into each row's zone, so a statement compiled once
    (``opsportal.api.compiled``) runs with a fresh ``now``. Elsewhere (SQLite knows no zones) it
    is a CASE over the zones (the scope's countries', unless given) grouped by their date: at
    any instant the world's zones span at most three dates."""
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        return _DateInZone(Cast(Value(now), DateTimeField()), F(zone_field), days=int(days))
    shift = dt.timedelta(days=days)
    if zones is None:
        zones = Country.objects.order_by().values_list("timezone", flat=True).distinct()
    zones_by_date = defaultdict(list)
    for zone in set(zones):
        zones_by_date[now.astimezone(ZoneInfo(zone)).date() + shift].append(zone)
    return Case(
        *(When(**{f"{zone_field}__in": zones}, then=Value(day)) for day, zones in sorted(zones_by_date.items())),
        default=Value(now.astimezone(dt.UTC).date() + shift),
        output_field=DateField(),
    )


class _DateInZone(Func):
    # Country.timezone is checked against Python's zone names, and PostgreSQL must know them too:
    # the daily views (TruncDate in the country's zone) already move moments with AT TIME ZONE
    # into the same zones, so this asks nothing new of the server.
    arg_joiner = " AT TIME ZONE "
    template = "((%(expressions)s)::date + %(days)s)"
    output_field = DateField()
