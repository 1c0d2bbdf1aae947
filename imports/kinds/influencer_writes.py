"""The bulk writes that end an influencer import batch: a few statements per batch, then the
follower service keeps the cached figures right (account counts, totals, crossover)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from imports.kinds.base import Run
from influencers.followers import refresh_followers, sync_shared_profiles
from influencers.models import OWN_PLATFORM, FollowerSnapshot, Influencer, PlatformAccount
from opsportal.bulk import insert_objects
from opsportal.db import bulk_cursor, pg_array


class BatchWrites:
    """Writes what ``InfluencerBatch`` planned (its attributes: new and changed records)."""

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
        shared = [i for i in self.new_influencers if i.profile is not None]
        insert_objects(Influencer, [i for i in self.new_influencers if i.profile is None])
        insert_objects(Influencer, shared)
        run.record("influencer", "create", len(self.new_influencers))
        # Every record now has its pk: the rows that first named them are kept for later batches.
        run.state["first_rows"].add_many({target.pk: number for target, number in self.first_seen})
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
            account.created_at = account.updated_at = now
        insert_objects(PlatformAccount, self.new_accounts)
        run.record("platform_account", "create", len(self.new_accounts))
        if self.dirty_accounts:
            for account in self.dirty_accounts.values():
                account.updated_at = now
            PlatformAccount.objects.bulk_update(list(self.dirty_accounts.values()), ["url", "updated_at"])
            run.record("platform_account", "update", len(self.dirty_accounts))
        new_snapshots = list(self.new_snapshots.values())
        for snapshot in new_snapshots:
            snapshot.recorded_at = now
        insert_objects(FollowerSnapshot, new_snapshots)
        run.record("follower_snapshot", "create", len(new_snapshots))
        if self.changed_snapshots:
            FollowerSnapshot.objects.bulk_update(list(self.changed_snapshots.values()), ["followers", "source"])
            run.record("follower_snapshot", "update", len(self.changed_snapshots))
        _link_categories([(self._link_targets[ident].pk, cid) for ident, cid in self.links])
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


def _link_categories(links: list[tuple[int, int]]) -> None:
    """(influencer id, category id) pairs; a pair already linked is left as it is."""
    through = Influencer.categories.through
    if connection.vendor != "postgresql":
        through.objects.bulk_create([through(influencer_id=i, category_id=c) for i, c in links], ignore_conflicts=True)
        return
    if links:
        influencer_ids, category_ids = zip(*links, strict=True)
        with bulk_cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {through._meta.db_table} (influencer_id, category_id) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING",
                [pg_array(influencer_ids), pg_array(category_ids)],
            )
