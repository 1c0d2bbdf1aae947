"""One batch of an influencer import: the records its rows match (a handful of queries), the
changes it plans row by row, and their bulk writes (``InfluencerKind.process`` drives it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from imports import parsing
from imports.kinds.base import (
    Outcome,
    Run,
    differences,
)
from influencers.followers import refresh_followers, sync_shared_profiles
from influencers.models import (
    OWN_PLATFORM,
    PUBLIC_PROFILE_FIELDS,
    Category,
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
from opsportal.db import Source
from opsportal.scope import unscoped


class Categories(Protocol):
    """What a batch asks of its import kind: the category a cell names (made once per run)."""

    def category_for(self, run: Run, name: str) -> Category: ...


@dataclass
class AccountIn:
    platform: str
    handle: str
    url: str
    followers: int | None
    column: str

    @property
    def key(self) -> tuple[str, str]:
        return self.platform, self.handle.lower()


@dataclass
class ParsedRow:
    number: int
    country: object
    fields: dict
    categories: list[str] | None
    accounts: list[AccountIn]
    followers_on: object
    problems: list = field(default_factory=list)


class InfluencerBatch:
    """The records one batch matches, the changes it plans, and their bulk writes."""

    def __init__(self):
        self.influencers: dict[int, Influencer] = {}  # pk → the one object for that influencer
        self.accounts: dict[tuple, PlatformAccount] = {}  # (platform, handle lower) → account
        self.by_name: dict[tuple, list[Influencer]] = {}  # (country id, name lower) → influencers
        self.categories: dict[int, set[int]] = {}  # influencer pk → category ids
        self.snapshots: dict[tuple, FollowerSnapshot] = {}  # (account pk, date) → snapshot
        self.new_influencers: list[Influencer] = []
        self.new_accounts: list[PlatformAccount] = []
        self.dirty_influencers: dict[int, set[str]] = {}
        self.dirty_accounts: dict[int, PlatformAccount] = {}
        self.stage_moves: list[tuple[Influencer, str]] = []
        self.new_snapshots: dict[tuple, FollowerSnapshot] = {}  # (id(account), date) → snapshot
        self.changed_snapshots: dict[int, FollowerSnapshot] = {}
        self.links: set[tuple] = set()  # (id(influencer), category id)
        self._link_targets: dict[int, Influencer] = {}  # id(influencer) → influencer, for links
        # (country id, id of the home record or id() of a new one) → that country's relationship
        self.shared: dict[tuple, Influencer] = {}

    @classmethod
    def load(cls, rows: list[ParsedRow]) -> InfluencerBatch:
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
                    .filter(platform__in=platforms, handle_lower__in=handles)
                    .select_related("influencer")
                )
            for account in found:
                key = (account.platform, account.handle.lower())
                if key in keys:
                    account.influencer = self._one(account.influencer)
                    self.accounts[key] = account
            homes = {a.influencer.pk for a in self.accounts.values()}
            if homes:
                # This batch's countries' relationships with those creators (the importer's scope).
                for shared in Influencer.objects.filter(profile_id__in=homes):
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
                query |= Q(country_id=country_id, name_lower__in=[n[1] for n in names if n[0] == country_id])
            for influencer in Influencer.objects.annotate(name_lower=Lower("name")).filter(query):
                influencer = self._one(influencer)
                self.by_name.setdefault((influencer.country_id, influencer.name.lower()), []).append(influencer)
        if self.influencers:
            through = Influencer.categories.through
            for influencer_id, category_id in through.objects.filter(
                influencer_id__in=list(self.influencers)
            ).values_list("influencer_id", "category_id"):
                self.categories.setdefault(influencer_id, set()).add(category_id)
        account_ids = [a.pk for a in self.accounts.values()]
        dates = {r.followers_on for r in rows}
        if account_ids:
            for snapshot in FollowerSnapshot.objects.filter(account_id__in=account_ids, date__in=dates):
                self.snapshots[(snapshot.account_id, snapshot.date)] = snapshot
        return self

    def _one(self, influencer: Influencer) -> Influencer:
        return self.influencers.setdefault(influencer.pk, influencer)

    @staticmethod
    def _ident(influencer: Influencer):
        # Plain ints keep the per-file index small: a pk, or minus the id() of a new object.
        return influencer.pk if influencer.pk else -id(influencer)

    # --- deciding one row (no change is made until every check passed) -----------------------
    def plan(self, run: Run, kind: Categories, row: ParsedRow) -> list:
        country = row.country
        # A handle kept by another country's team: the row is about this country's own
        # relationship with that creator (a shared profile), never a move of the account.
        elsewhere = {
            id(self.accounts[a.key].influencer): self.accounts[a.key].influencer
            for a in row.accounts
            if a.key in self.accounts and self.accounts[a.key].influencer.country_id != country.pk
        }
        matched = {
            id(self.accounts[a.key].influencer): self.accounts[a.key].influencer
            for a in row.accounts
            if a.key in self.accounts
        }
        if elsewhere and len(matched) > 1:
            # Never whose they are: the importer may not see the other team's record.
            return [(row.accounts[0].column, _("These handles belong to different influencers."))]
        if elsewhere:
            home = next(iter(elsewhere.values()))
            for account_in in row.accounts:
                if account_in.key not in self.accounts:
                    return [(account_in.column, str(SHARED_KEEPS_NO_ACCOUNTS))]
            return self._plan_shared(run, kind, row, home)
        if len(matched) > 1:
            # All of this country (checked above): names the importer may read.
            names = ", ".join(sorted(i.name for i in matched.values()))
            return [
                (
                    row.accounts[0].column,
                    _("These handles belong to different influencers: %(names)s.") % {"names": names},
                )
            ]
        target = next(iter(matched.values()), None)
        if target is None and row.fields.get("name"):
            same_name = self.by_name.get((country.pk, row.fields["name"].lower()), [])
            if len(same_name) > 1:
                return [
                    (
                        "name",
                        _("%(n)d influencers in %(country)s are called %(name)s; add a handle to tell them apart.")
                        % {"n": len(same_name), "country": country.name, "name": row.fields["name"]},
                    )
                ]
            target = same_name[0] if same_name else None
        if target is None and not row.fields.get("name"):
            return [("name", _("A new influencer needs a name."))]

        fields = dict(row.fields)
        if target is not None and target.profile_id:
            # This country's shared relationship, found by name: its figures follow the home
            # record, and accounts are added by the team that keeps them.
            fields = {k: v for k, v in fields.items() if k not in PUBLIC_PROFILE_FIELDS}
            if row.accounts:  # none of them known (a known one leads to its home record)
                return [(row.accounts[0].column, str(SHARED_KEEPS_NO_ACCOUNTS))]
        is_new = target is None
        earlier = None if is_new else run.seen.get(self._ident(target))
        changes = {} if is_new else differences(target, fields)
        # Follower counts and profile URLs of accounts that already exist.
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
                    account_changes.append(
                        (
                            f"{account_in.platform}_followers" if account_in.column != "handle" else "followers",
                            account,
                            "followers",
                            current,
                            account_in.followers,
                        )
                    )
        # A record an earlier row of this file already wrote: filling a blank is fine, but a value
        # that contradicts the earlier row is an error (nobody can tell which one is right).
        contradictions = [(n, old, new) for n, (old, new) in changes.items() if not _blank(old)]
        contradictions += [(n, old, new) for n, _account, _what, old, new in account_changes if not _blank(old)]
        if earlier is not None and contradictions:
            name, old, new = contradictions[0]
            return [
                (
                    name,
                    _("Row %(row)d has the same influencer with another value (%(old)s, here %(new)s).")
                    % {"row": earlier, "old": _show(old), "new": _show(new)},
                )
            ]

        # --- apply ---------------------------------------------------------------------------
        categories = [kind.category_for(run, c) for c in row.categories or []]
        if is_new:
            target = Influencer(country=country, created_by=_pk_user(run.user))
            stage = fields.pop("stage", None)
            for name, value in fields.items():
                setattr(target, name, value)
            influencer_start_in_stage(target, stage)
            self.new_influencers.append(target)
            self.influencers_by_new_name(target)
            outcome = Outcome.CREATE
        else:
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
            outcome = Outcome.UPDATE if changes or stage else Outcome.UNCHANGED
        for _column, account, what, _old, new in account_changes:
            if what == "url":
                account.url = new
                self.dirty_accounts[account.pk] = account
            else:
                self._count(account, row.followers_on, new)
            outcome = Outcome.UPDATE if outcome == Outcome.UNCHANGED else outcome
        for account_in in new_accounts:
            account = PlatformAccount(
                influencer=target,
                platform=account_in.platform,
                handle=account_in.handle,
                url=account_in.url or parsing.profile_url(account_in.platform, account_in.handle),
                created_by=_pk_user(run.user),
            )
            self.accounts[account_in.key] = account
            self.new_accounts.append(account)
            if account_in.followers is not None:
                self._count(account, row.followers_on, account_in.followers)
            outcome = Outcome.UPDATE if outcome == Outcome.UNCHANGED else outcome
        return self._link_and_report(run, row, target, categories, earlier, outcome)

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
            target = Influencer(
                country=country,
                profile=home,
                name=home.name,
                local_name=home.local_name,
                kind=home.kind,
                created_by=_pk_user(run.user),
            )
            stage = fields.pop("stage", None)
            for name, value in fields.items():
                setattr(target, name, value)
            if home.pk is not None:
                try:
                    check_share(target)
                except ValidationError as error:
                    return [(row.accounts[0].column, " ".join(error.messages))]
            copy_public_profile(home, target)
            influencer_start_in_stage(target, stage)
            self.new_influencers.append(target)
            self.influencers_by_new_name(target)
            self.shared[key] = target
            outcome = Outcome.CREATE
            earlier = None
        else:
            earlier = run.seen.get(self._ident(target))
            changes = differences(target, fields)
            contradictions = [(n, old, new) for n, (old, new) in changes.items() if not _blank(old)]
            if earlier is not None and contradictions:
                name, old, new = contradictions[0]
                return [
                    (
                        name,
                        _("Row %(row)d has the same influencer with another value (%(old)s, here %(new)s).")
                        % {"row": earlier, "old": _show(old), "new": _show(new)},
                    )
                ]
            stage = changes.pop("stage", None)
            for name, (_old, new) in changes.items():
                setattr(target, name, new)
            if target.pk is None:
                if stage:
                    influencer_start_in_stage(target, stage[1])
            else:
                if changes:
                    self.dirty_influencers.setdefault(target.pk, set()).update(changes)
                if stage:
                    self.stage_moves.append((target, stage[0], stage[1]))
                    target.stage = stage[1]
            outcome = Outcome.UPDATE if changes or stage else Outcome.UNCHANGED
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
        ident = self._ident(target)
        if earlier is None:
            run.seen[ident] = row.number
        elif outcome == Outcome.UNCHANGED:
            outcome = Outcome.SKIP
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
            self.new_snapshots[(id(account), day)] = FollowerSnapshot(
                account=account, date=day, followers=value, source=Source.IMPORT
            )

    # --- writing ------------------------------------------------------------------------------
    def _fill_new_caches(self) -> set[int]:
        """Cached follower fields of influencers new in this batch, set before they are inserted.

        All their accounts and counts are in this batch; when the counts share one date, the
        result is what the follower service computes (latest count per account, their sum, and
        the crossover on that date if our platform leads) without three UPDATEs per influencer.
        Returns the id() of the accounts done; the rest go through the service.
        """
        counts: dict[int, list[FollowerSnapshot]] = {}
        for snapshot in self.new_snapshots.values():
            counts.setdefault(id(snapshot.account.influencer), []).append(snapshot)
        done: set[int] = set()
        for influencer in self.new_influencers:
            if influencer.profile is not None:
                continue  # a shared relationship: its figures are the home record's
            snapshots = counts.get(id(influencer), [])
            if len({s.date for s in snapshots}) > 1:
                continue
            for snapshot in snapshots:
                snapshot.account.followers, snapshot.account.followers_on = snapshot.followers, snapshot.date
                done.add(id(snapshot.account))
            influencer.total_followers = sum(s.followers for s in snapshots)
            own = [s.followers for s in snapshots if s.account.platform == OWN_PLATFORM]
            others = [s.followers for s in snapshots if s.account.platform != OWN_PLATFORM]
            if own and others and max(own) > max(others):
                influencer.crossed_over_on = snapshots[0].date
        return done

    def flush(self, run: Run) -> None:
        now = timezone.now()
        filled = self._fill_new_caches()
        for influencer in self.new_influencers:
            influencer.created_at = influencer.updated_at = now
        # Home records first: a shared relationship new in this batch may point at one.
        homes = [i for i in self.new_influencers if i.profile is None]
        shared = [i for i in self.new_influencers if i.profile is not None]
        Influencer.objects.bulk_create(homes, batch_size=1000)
        for influencer in shared:
            influencer.profile = influencer.profile  # picks up the pk bulk_create just gave
        Influencer.objects.bulk_create(shared, batch_size=1000)
        run.record("influencer", "create", len(self.new_influencers))
        for influencer in self.new_influencers:
            ident = -id(influencer)
            if ident in run.seen:
                run.seen[influencer.pk] = run.seen.pop(ident)
        if self.dirty_influencers:
            objs = [self.influencers[pk] for pk in self.dirty_influencers]
            names = sorted(set().union(*self.dirty_influencers.values()) | {"updated_at"})
            for obj in objs:
                obj.updated_at = now
            Influencer.objects.bulk_update(objs, names, batch_size=1000)
            run.record("influencer", "update", len(objs))
            if {"home_platform", "joined_platform_on"} & set(names):
                # A home record's changed platform or joining date reaches the teams sharing it.
                sync_shared_profiles(list(self.dirty_influencers))
        if self.stage_moves:
            from influencers.services import influencer_move_stage

            for influencer, old, new in self.stage_moves:
                influencer.stage = old
                influencer_move_stage(influencer, new, by=run.user)
            run.record("influencer", "stage", len(self.stage_moves))
        for account in self.new_accounts:
            account.influencer = account.influencer  # picks up the pk bulk_create just gave
            account.created_at = account.updated_at = now
        PlatformAccount.objects.bulk_create(self.new_accounts, batch_size=1000)
        run.record("platform_account", "create", len(self.new_accounts))
        if self.dirty_accounts:
            for account in self.dirty_accounts.values():
                account.updated_at = now
            PlatformAccount.objects.bulk_update(list(self.dirty_accounts.values()), ["url", "updated_at"])
            run.record("platform_account", "update", len(self.dirty_accounts))
        new_snapshots = list(self.new_snapshots.values())
        for snapshot in new_snapshots:
            snapshot.account = snapshot.account
        FollowerSnapshot.objects.bulk_create(new_snapshots, batch_size=1000)
        run.record("follower_snapshot", "create", len(new_snapshots))
        if self.changed_snapshots:
            FollowerSnapshot.objects.bulk_update(list(self.changed_snapshots.values()), ["followers", "source"])
            run.record("follower_snapshot", "update", len(self.changed_snapshots))
        through = Influencer.categories.through
        through.objects.bulk_create(
            [through(influencer_id=self._link_targets[ident].pk, category_id=cid) for ident, cid in self.links],
            ignore_conflicts=True,
        )
        run.record("category_link", "create", len(self.links))
        # The follower service keeps the cached fields right: account counts, totals, crossover.
        pending = [s for s in new_snapshots if id(s.account) not in filled] + list(self.changed_snapshots.values())
        if pending:
            by_pk = {a.pk: a for a in self.accounts.values() if a.pk}
            since: dict[int, object] = {}
            for snapshot in pending:
                influencer_id = by_pk[snapshot.account_id].influencer_id
                since[influencer_id] = min(snapshot.date, since.get(influencer_id, snapshot.date))
            refresh_followers({s.account_id for s in pending}, since)
        if shared:
            # Homes new in this batch got their figures above; their new sharers follow them.
            sync_shared_profiles({i.profile_id for i in shared})


def _blank(value) -> bool:
    return value is None or value == ""


def _show(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value) if value not in (None, "") else "—"


def _pk_user(user):
    return user if getattr(user, "pk", None) else None
