"""One batch of an influencer import: the records its rows match (a handful of queries) and the
changes it plans row by row (``InfluencerKind.process`` drives it); the bulk writes that end it
are ``influencer_writes.BatchWrites``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from imports import parsing
from imports.kinds.base import (
    Outcome,
    Run,
    differences,
)
from influencers.models import (
    PUBLIC_PROFILE_FIELDS,
    FollowerSnapshot,
    Influencer,
    PlatformAccount,
)
from influencers.services import (
    SHARED_KEEPS_NO_ACCOUNTS,
    check_share,
    copy_public_profile,
    influencer_start_in_stage,
)
from opsportal.bulk import among
from opsportal.db import Source
from opsportal.l10n import country_name
from opsportal.scope import unscoped

# The row types and the bulk writes are their own modules; the row types stay importable from here.
from .first_rows import FirstRows
from .influencer_rows import AccountIn, Categories, NewAccount, NewInfluencer, NewSnapshot, ParsedRow
from .influencer_writes import BatchWrites

__all__ = ["AccountIn", "Categories", "InfluencerBatch", "ParsedRow"]

# What planning reads of a stored account (and writes back: url, updated_at); the timestamps
# it never reads are left out, which spares decoding two datetimes per account.
ACCOUNT_FIELDS_READ = ("influencer_id", "platform", "handle", "url", "followers", "followers_on")


class InfluencerBatch(BatchWrites):
    """The records one batch matches, the changes it plans, and their bulk writes."""

    def __init__(self):
        self.influencers: dict[int, Influencer] = {}  # pk → the one object for that influencer
        self.accounts: dict[tuple, PlatformAccount] = {}  # (platform, handle lower) → account
        self.by_name: dict[tuple, list[Influencer]] = {}  # (country id, name lower) → influencers
        self.categories: dict[int, set[int]] = {}  # influencer pk → category ids
        self.snapshots: dict[tuple, FollowerSnapshot] = {}  # (account pk, date) → snapshot
        self.new_influencers: list[NewInfluencer] = []
        self.new_accounts: list[NewAccount] = []
        self.dirty_influencers: dict[int, set[str]] = {}
        self.dirty_accounts: dict[int, PlatformAccount] = {}
        self.stage_moves: list[tuple[Influencer, str]] = []
        self.new_snapshots: dict[tuple, NewSnapshot] = {}  # (id(account), date) → snapshot
        self.changed_snapshots: dict[int, FollowerSnapshot] = {}
        self.links: set[tuple] = set()  # (id(influencer), category id)
        self._link_targets: dict[int, Influencer] = {}  # id(influencer) → influencer, for links
        # (country id, id of the home record or id() of a new one) → that country's relationship
        self.shared: dict[tuple, Influencer] = {}
        # The file's first row of each record this batch matched (from ``FirstRows``) or made;
        # a record this batch is the first to name is written back at flush.
        self.first_rows: dict[int, int] = {}  # ident (see ``_ident``) → row number
        self.first_seen: list[tuple[Influencer, int]] = []

    @classmethod
    def load(cls, rows: list[ParsedRow], first_rows: FirstRows) -> InfluencerBatch:
        self = cls()
        keys = {a.key for r in rows for a in r.accounts}
        if keys:
            platforms = {k[0] for k in keys}
            handles = {k[1] for k in keys}
            # Across the scope, by the accounts' natural keys only: a handle another team keeps is
            # public, and a row naming it starts (or updates) this country's own relationship
            # with that creator (see ``_share``). Nothing of that team's record is shown or changed.
            with unscoped():
                found = list(
                    PlatformAccount.objects.annotate(handle_lower=Lower("handle"))
                    .filter(among("platform", platforms), among("handle_lower", handles))
                    .select_related("influencer")
                    .only(*ACCOUNT_FIELDS_READ, "influencer")
                )
            for account in found:
                key = (account.platform, account.handle.lower())
                if key in keys:
                    account.influencer = self._one(account.influencer)
                    self.accounts[key] = account
            homes = {a.influencer.pk for a in self.accounts.values()}
            if homes:
                # This batch's countries' relationships with those creators (the importer's scope).
                for shared in Influencer.objects.filter(among("profile_id", homes)):
                    shared = self._one(shared)
                    self.shared[(shared.country_id, shared.profile_id)] = shared
        # By name only for rows none of whose handles is known (a name is a weaker key).
        names = {
            (r.country.pk, r.fields["name"].lower())
            for r in rows
            if r.fields.get("name") and not any(a.key in self.accounts for a in r.accounts)
        }
        if names:
            query = Q()
            for country_id in {n[0] for n in names}:
                query |= Q(country_id=country_id) & among("name_lower", [n[1] for n in names if n[0] == country_id])
            for influencer in Influencer.objects.annotate(name_lower=Lower("name")).filter(query):
                influencer = self._one(influencer)
                self.by_name.setdefault((influencer.country_id, influencer.name.lower()), []).append(influencer)
        if self.influencers:
            through = Influencer.categories.through
            for influencer_id, category_id in through.objects.filter(
                among("influencer_id", self.influencers)
            ).values_list("influencer_id", "category_id"):
                self.categories.setdefault(influencer_id, set()).add(category_id)
        account_ids = [a.pk for a in self.accounts.values()]
        dates = {r.followers_on for r in rows}
        if account_ids:
            matches = FollowerSnapshot.objects.filter(among("account_id", account_ids), date__in=dates)
            for snapshot in matches.only("account_id", "date", "followers", "source"):
                self.snapshots[(snapshot.account_id, snapshot.date)] = snapshot
        # Every stored record a row can be about went through ``_one``: accounts' owners, shared
        # relationships, same-name matches.
        self.first_rows = first_rows.get_many(self.influencers)
        return self

    def _one(self, influencer: Influencer) -> Influencer:
        return self.influencers.setdefault(influencer.pk, influencer)

    @staticmethod
    def _ident(influencer: Influencer):
        # A pk, or minus the id() of an object new in this batch (its pk comes at flush).
        return influencer.pk if influencer.pk else -id(influencer)

    # --- deciding one row (no change is made until every check passed) -----------------------
    def plan(self, run: Run, kind: Categories, row: ParsedRow) -> list:
        # A handle kept by another country's team: the row is about this country's own
        # relationship with that creator (a shared profile), never a move of the account.
        matched = {
            id(self.accounts[a.key].influencer): self.accounts[a.key].influencer
            for a in row.accounts
            if a.key in self.accounts
        }
        elsewhere = {key: i for key, i in matched.items() if i.country_id != row.country.pk}
        if elsewhere:
            return self._plan_elsewhere(run, kind, row, elsewhere, matched)
        target, errors = self._match_here(row, matched)
        if errors:
            return errors
        fields = dict(row.fields)
        if target is not None and target.profile_id:
            # This country's shared relationship, found by name: its figures follow the home
            # record, and accounts are added by the team that keeps them.
            fields = {k: v for k, v in fields.items() if k not in PUBLIC_PROFILE_FIELDS}
            if row.accounts:  # none of them known (a known one leads to its home record)
                return [(row.accounts[0].column, str(SHARED_KEEPS_NO_ACCOUNTS))]
        earlier = None if target is None else self.first_rows.get(self._ident(target))
        changes = {} if target is None else differences(target, fields)
        account_changes, new_accounts = self._account_changes(row)
        errors = _contradiction(earlier, changes, account_changes)
        if errors:
            return errors

        # --- apply ---------------------------------------------------------------------------
        categories = [kind.category_for(run, c) for c in row.categories or []]
        if target is None:
            target = NewInfluencer(row.country, _user_id(run.user))
            self._add_new(target, _fill(target, fields))
            outcome = Outcome.CREATE
        else:
            outcome = self._apply_changes(target, changes)
        outcome = self._apply_accounts(run, row, target, account_changes, new_accounts, outcome)
        return self._link_and_report(run, row, target, categories, earlier, outcome)

    def _plan_elsewhere(self, run: Run, kind: Categories, row: ParsedRow, elsewhere: dict, matched: dict) -> list:
        if len(matched) > 1:
            # Never whose they are: the importer may not see the other team's record.
            return [(row.accounts[0].column, _("These handles belong to different influencers."))]
        home = next(iter(elsewhere.values()))
        for account_in in row.accounts:
            if account_in.key not in self.accounts:
                return [(account_in.column, str(SHARED_KEEPS_NO_ACCOUNTS))]
        return self._plan_shared(run, kind, row, home)

    def _match_here(self, row: ParsedRow, matched: dict) -> tuple[Influencer | None, list]:
        """This country's record the row is about (None: a new one), or the errors saying why
        it cannot tell."""
        if len(matched) > 1:
            # All of this country (checked by the caller): names the importer may read.
            names = ", ".join(sorted(i.name for i in matched.values()))
            return None, [
                (
                    row.accounts[0].column,
                    _("These handles belong to different influencers: %(names)s.") % {"names": names},
                )
            ]
        target = next(iter(matched.values()), None)
        if target is None and row.fields.get("name"):
            same_name = self.by_name.get((row.country.pk, row.fields["name"].lower()), [])
            if len(same_name) > 1:
                return None, [
                    (
                        "name",
                        _("%(n)d influencers in %(country)s are called %(name)s; add a handle to tell them apart.")
                        % {"n": len(same_name), "country": country_name(row.country), "name": row.fields["name"]},
                    )
                ]
            target = same_name[0] if same_name else None
        if target is None and not row.fields.get("name"):
            return None, [("name", _("A new influencer needs a name."))]
        return target, []

    def _account_changes(self, row: ParsedRow) -> tuple[list[tuple], list[AccountIn]]:
        """Follower counts and profile URLs of accounts that already exist, and the new accounts."""
        account_changes = []
        new_accounts = []
        for account_in in row.accounts:
            account = self.accounts.get(account_in.key)
            if account is None:
                new_accounts.append(account_in)
                continue
            if account_in.url and account_in.url != account.url:
                account_changes.append((account_in.column, account, "url", account.url, account_in.url))
            if account_in.followers is not None:
                current = self._followers_on(account, row.followers_on)
                if current != account_in.followers:
                    column = f"{account_in.platform}_followers" if account_in.column != "handle" else "followers"
                    account_changes.append((column, account, "followers", current, account_in.followers))
        return account_changes, new_accounts

    def _add_new(self, target: Influencer, stage) -> None:
        influencer_start_in_stage(target, stage)
        self.new_influencers.append(target)
        self.influencers_by_new_name(target)

    def _apply_changes(self, target: Influencer, changes: dict) -> str:
        """Apply a row's changes to a record (new in this batch, or written at flush)."""
        stage = changes.pop("stage", None)
        for name, (_old, new) in changes.items():
            setattr(target, name, new)
        if target.pk is None:  # created by an earlier row of this batch: inserted as it is now
            if stage:
                influencer_start_in_stage(target, stage[1])
        else:
            if changes:
                self.dirty_influencers.setdefault(target.pk, set()).update(changes)
            if stage:
                # Applied now so later rows compare with it; written through the service at flush.
                self.stage_moves.append((target, stage[0], stage[1]))
                target.stage = stage[1]
        return Outcome.UPDATE if changes or stage else Outcome.UNCHANGED

    def _apply_accounts(self, run: Run, row: ParsedRow, target, account_changes, new_accounts, outcome) -> str:
        for _column, account, what, _old, new in account_changes:
            if what == "url":
                account.url = new
                self.dirty_accounts[account.pk] = account
            else:
                self._count(account, row.followers_on, new)
            outcome = Outcome.UPDATE if outcome == Outcome.UNCHANGED else outcome
        for account_in in new_accounts:
            account = NewAccount(
                target,
                account_in.platform,
                account_in.handle,
                account_in.url or parsing.profile_url(account_in.platform, account_in.handle),
                _user_id(run.user),
            )
            self.accounts[account_in.key] = account
            self.new_accounts.append(account)
            if account_in.followers is not None:
                self._count(account, row.followers_on, account_in.followers)
            outcome = Outcome.UPDATE if outcome == Outcome.UNCHANGED else outcome
        return outcome

    def _plan_shared(self, run: Run, kind: Categories, row: ParsedRow, home: Influencer) -> list:
        """This country's relationship with a creator whose accounts another team keeps: found
        (one per country and creator) or started as ``influencer_share`` starts it. Its own
        stage, owner, notes and contact details come from the row; the home record's accounts,
        follower counts and profile URLs are not written (that team keeps them), and the
        figures it shares (totals, crossover, home platform, joining date) follow it."""
        country = row.country
        key = (country.pk, home.pk or id(home))
        fields = {k: v for k, v in row.fields.items() if k not in PUBLIC_PROFILE_FIELDS}
        target = self.shared.get(key)
        categories = [kind.category_for(run, c) for c in row.categories or []]
        if target is None:
            target = NewInfluencer(country, _user_id(run.user), profile=home)
            target.name, target.local_name, target.kind = home.name, home.local_name, home.kind
            stage = _fill(target, fields)
            if home.pk is not None:
                try:
                    check_share(target)
                except ValidationError as error:
                    return [(row.accounts[0].column, " ".join(error.messages))]
            copy_public_profile(home, target)
            self._add_new(target, stage)
            self.shared[key] = target
            outcome = Outcome.CREATE
            earlier = None
        else:
            earlier = self.first_rows.get(self._ident(target))
            changes = differences(target, fields)
            errors = _contradiction(earlier, changes)
            if errors:
                return errors
            outcome = self._apply_changes(target, changes)
        return self._link_and_report(run, row, target, categories, earlier, outcome)

    def _link_and_report(self, run: Run, row: ParsedRow, target: Influencer, categories, earlier, outcome) -> list:
        """The end of every planned row: categories linked once, the row reported (a repeat of an
        earlier row with nothing new is a skip)."""
        have = self.categories.setdefault(target.pk, set()) if target.pk else set()
        for category in categories:
            if category.pk not in have and (id(target), category.pk) not in self.links:
                self.links.add((id(target), category.pk))
                self._link_targets[id(target)] = target
                have.add(category.pk)
                outcome = Outcome.UPDATE if outcome == Outcome.UNCHANGED else outcome
        if earlier is None:
            self.first_rows[self._ident(target)] = row.number
            self.first_seen.append((target, row.number))
        elif outcome == Outcome.UNCHANGED:
            outcome = Outcome.SKIP
        label = ""
        if run.listing(outcome):  # only the first rows of each outcome are listed
            label = target.name + "".join(f" · {a.platform} @{a.handle}" for a in row.accounts)
            if outcome == Outcome.SKIP:
                label = _("Same influencer as row %(row)d: %(label)s") % {"row": earlier, "label": label}
        run.outcome(row.number, outcome, label)
        return []

    def influencers_by_new_name(self, influencer: Influencer) -> None:
        self.by_name.setdefault((influencer.country.pk, influencer.name.lower()), []).append(influencer)

    def _followers_on(self, account: PlatformAccount, day) -> int | None:
        """The account's count for that day: its snapshot that day, else its latest count if
        that is not newer (a later import of the same count adds nothing)."""
        pending = self.new_snapshots.get((id(account), day))
        if pending is not None:
            return pending.followers
        snapshot = self.snapshots.get((account.pk, day))
        if snapshot is not None:
            return snapshot.followers
        if account.followers_on is not None and account.followers_on <= day:
            return account.followers
        return None

    def _count(self, account: PlatformAccount, day, value: int) -> None:
        snapshot = self.snapshots.get((account.pk, day)) if account.pk else None
        if snapshot is not None:
            snapshot.followers = value
            snapshot.source = Source.IMPORT
            self.changed_snapshots[snapshot.pk] = snapshot
        else:
            self.new_snapshots[(id(account), day)] = NewSnapshot(account, day, value, Source.IMPORT)


def _fill(target: Influencer, fields: dict):
    """Set a new record's fields from the row; its stage (set when it is added) is returned."""
    fields = dict(fields)
    stage = fields.pop("stage", None)
    for name, value in fields.items():
        setattr(target, name, value)
    return stage


def _contradiction(earlier: int | None, changes: dict, account_changes=()) -> list:
    """A record an earlier row of this file already wrote: filling a blank is fine, but a value
    that contradicts the earlier row is an error (nobody can tell which one is right)."""
    contradictions = [(n, old, new) for n, (old, new) in changes.items() if not _blank(old)]
    contradictions += [(n, old, new) for n, _account, _what, old, new in account_changes if not _blank(old)]
    if earlier is None or not contradictions:
        return []
    name, old, new = contradictions[0]
    return [
        (
            name,
            _("Row %(row)d has the same influencer with another value (%(old)s, here %(new)s).")
            % {"row": earlier, "old": _show(old), "new": _show(new)},
        )
    ]


def _blank(value) -> bool:
    return value is None or value == ""


def _show(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value) if value not in (None, "") else "—"


def _user_id(user) -> int | None:
    return getattr(user, "pk", None)
