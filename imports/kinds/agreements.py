"""Creator agreements kept in a sheet before OpsPortal: one row per agreement (its deliverables
and payments are added in the portal or the API), money records (``finance.edit``).

Matched by country + title (case-insensitive): a row for an agreement already known corrects it
through the same service as the portal. A new agreement starts as a draft; a row that says it
was signed (or delivered, or cancelled) walks it there through the service's status moves, so
the rules are the portal's (delivered needs every deliverable delivered, paid needs payments
that cover the fee: a row the moves refuse is an error on its status).
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from agreements.models import Agreement, Status
from agreements.services import agreement_change_status, agreement_save
from imports import parsing
from imports.kinds.base import Column, Outcome, RowByRowKind, RowError, RowProblems, Run, collect, differences
from imports.kinds.budgets import currency_code, find_challenge, find_event
from imports.kinds.challenges import COUNTRY
from influencers.models import Influencer
from opsportal.access import Perm, in_country
from opsportal.l10n import country_name

STATUS_ALIASES = {
    "new": "draft",
    "draf": "draft",
    "ditandatangani": "signed",
    "active": "signed",
    "done": "delivered",
    "selesai": "delivered",
    "lunas": "paid",
    "dibayar": "paid",
    "canceled": "cancelled",
    "batal": "cancelled",
}
# The moves a new agreement makes from draft to reach the row's status.
PATH_FROM_DRAFT = {
    Status.DRAFT: [],
    Status.SIGNED: [Status.SIGNED],
    Status.DELIVERED: [Status.SIGNED, Status.DELIVERED],
    Status.PAID: [Status.SIGNED, Status.DELIVERED, Status.PAID],
    Status.CANCELLED: [Status.CANCELLED],
}


def _influencer(country, value) -> int:
    """The country's creator by name (case-insensitive) or by ``@handle`` (their accounts')."""
    text = parsing.clean_text(value)
    if text.startswith("@"):
        handle = text.lstrip("@").lower()
        lookup = Q(accounts__handle__iexact=handle) | Q(profile__accounts__handle__iexact=handle)
        found = list(in_country(Influencer.objects.filter(lookup), country).values_list("pk", flat=True).distinct()[:2])
    else:
        named = Influencer.objects.annotate(name_lower=Lower("name")).filter(name_lower=text.lower())
        found = list(in_country(named, country).values_list("pk", flat=True)[:2])
    if not found:
        raise parsing.CellError(
            _("No influencer %(value)s in %(country)s.") % {"value": text, "country": country_name(country)}
        )
    if len(found) > 1:
        raise parsing.CellError(_("Several influencers are called %(value)s: give their @handle.") % {"value": text})
    return found[0]


class AgreementKind(RowByRowKind):
    name = "agreements"
    label = _l("Creator agreements")
    model = Agreement
    perm = Perm.FINANCE_EDIT
    natural_key = _l("country + title (case-insensitive)")
    columns = [
        COUNTRY,
        Column(
            "title",
            _l("Title"),
            aliases=("agreement", "judul", "kontrak", "contract"),
            required=True,
            example="Seeding #JogetBareng with Rina",
        ),
        Column(
            "influencer",
            _l("Influencer"),
            aliases=("creator", "kreator", "talent", "kol"),
            required=True,
            help=_l("Their name, or @handle when two share a name."),
            example="Rina Nose",
        ),
        Column("challenge", _l("Challenge"), aliases=("hashtag", "challenge_hashtag", "tagar"), example="#JogetBareng"),
        Column("event", _l("Event"), aliases=("event_name", "acara"), help=_l("The event's name.")),
        Column(
            "event_date",
            _l("Event start day"),
            aliases=("event_starts_on", "tanggal_acara"),
            help=_l("Only when two events share the name."),
        ),
        Column("starts_on", _l("Starts on"), aliases=("start", "from", "mulai")),
        Column("ends_on", _l("Ends on"), aliases=("end", "until", "selesai_pada")),
        Column(
            "fee", _l("Fee"), aliases=("amount", "honor", "nilai_kontrak", "price"), required=True, example="15000000"
        ),
        Column("currency", _l("Currency"), aliases=("mata_uang", "ccy"), help=_l("Blank: the country's currency.")),
        Column("status", _l("Status"), aliases=("state",), help=_l("draft, signed, delivered, paid or cancelled.")),
        Column("signed_on", _l("Signed on"), aliases=("signed", "tanggal_tanda_tangan")),
        Column("owner", _l("Owner"), aliases=("pic", "managed_by")),
        Column("notes", _l("Notes"), aliases=("note", "catatan", "remarks")),
    ]

    def import_row(self, run: Run, number: int, values: dict) -> tuple[str, str]:
        country = run.country_for(values)

        def day(value):
            return parsing.parse_date(value, day_first=country.dates_day_first)

        clean, problems = collect(
            values,
            {
                "title": lambda v: parsing.clean_text(v, max_length=200),
                "influencer": lambda v: _influencer(country, v),
                "challenge": lambda v: find_challenge(country, v).pk,
                "event": lambda v: parsing.clean_text(v, max_length=200),
                "event_date": day,
                "starts_on": day,
                "ends_on": day,
                "fee": parsing.parse_money,
                "currency": currency_code,
                "status": lambda v: parsing.parse_choice(v, Status.choices, STATUS_ALIASES),
                "signed_on": day,
                "owner": lambda v: run.user_for("owner", v, country, Agreement).pk,
                "notes": parsing.clean_text,
            },
        )
        for name in ("title", "influencer", "fee"):
            if clean.get(name) is None and not any(p[0] == name for p in problems):
                problems.append((name, _("Required.")))
        event_name, event_day = clean.pop("event", None), clean.pop("event_date", None)
        if event_name:
            try:
                clean["event"] = find_event(country, event_name, event_day).pk
            except RowError as exc:
                problems.append((exc.field, exc.message))
        if problems:
            raise RowProblems(problems)
        for name in ("influencer", "challenge", "event", "owner"):
            if name in clean:
                clean[f"{name}_id"] = clean.pop(name)
        title, status = clean.pop("title"), clean.pop("status", None)
        key = (country.pk, title.lower())
        agreement = in_country(
            Agreement.objects.annotate(title_lower=Lower("title")).filter(title_lower=key[1]), country
        ).first()
        if agreement is None:
            agreement = Agreement(country=country, title=title, **clean)
            agreement_save(agreement, by=run.user)
            for move in PATH_FROM_DRAFT[status or Status.DRAFT]:
                self._move(agreement, move, run)
            run.seen[key] = number
            run.record("agreement", "create")
            return Outcome.CREATE, title
        changes = differences(agreement, clean)
        if status and status != agreement.status:
            changes["status"] = (agreement.status, status)
        duplicate = self.check_duplicate(run, key, number, agreement, changes, title)
        if duplicate:
            return duplicate
        if not changes:
            return Outcome.UNCHANGED, title
        for name, (_old, new) in changes.items():
            if name != "status":
                setattr(agreement, name, new)
        agreement_save(agreement, by=run.user, status=status if "status" in changes else None)
        run.record("agreement", "update")
        return Outcome.UPDATE, f"{title}: " + ", ".join(sorted(c.removesuffix("_id") for c in changes))

    @staticmethod
    def _move(agreement: Agreement, status: str, run: Run) -> None:
        from django.core.exceptions import ValidationError

        try:
            agreement_change_status(agreement, status, by=run.user)
        except ValidationError as exc:
            raise RowError("status", " ".join(exc.messages)) from None
