"""Writes on influencers and their outreach log, shared by every door."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsportal.db import save_validated

from .models import PUBLIC_PROFILE_FIELDS, Influencer, InfluencerInteraction, Stage


@transaction.atomic
def influencer_move_stage(influencer: Influencer, stage: str, *, by=None, now: dt.datetime | None = None) -> Influencer:
    """Move a creator along the pipeline (prospect → contacted → onboarded → active → dormant).

    Any move is allowed (people go dormant and come back), but it is recorded with its time.
    """
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown pipeline stage: %(stage)s.") % {"stage": stage}})
    if stage == influencer.stage:
        return influencer
    influencer.stage = stage
    influencer.stage_changed_at = now or timezone.now()
    influencer.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    return influencer


def influencer_start_in_stage(influencer: Influencer, stage: str | None, *, now: dt.datetime | None = None) -> None:
    """A creator not saved yet starts in ``stage``; past prospect that is a move, stamped now.
    Bulk imports insert many creators at once and apply this to each before the insert."""
    influencer.stage = stage or influencer.stage
    if influencer.stage != Stage.PROSPECT:
        influencer.stage_changed_at = now or timezone.now()


def _stamp_stage_move(influencer: Influencer) -> None:
    """A stage that differs from the stored one is a move: when it happened is recorded,
    whichever door changed the field."""
    if influencer.pk is None:
        influencer_start_in_stage(influencer, influencer.stage)
        return
    stored = Influencer.objects.filter(pk=influencer.pk).values_list("stage", flat=True).first()
    if stored is not None and stored != influencer.stage:
        influencer.stage_changed_at = timezone.now()


@transaction.atomic
def influencer_log_interaction(
    influencer: Influencer,
    *,
    kind: str,
    summary: str,
    occurred_at: dt.datetime | None = None,
    next_follow_up_on: dt.date | None = None,
    by=None,
) -> InfluencerInteraction:
    """Log a touch with a creator. Earlier follow-ups are done: this touch answered them.

    A first touch with a prospect moves them to contacted.
    """
    entry = InfluencerInteraction(
        influencer=influencer,
        kind=kind,
        summary=summary,
        occurred_at=occurred_at or timezone.now(),
        next_follow_up_on=next_follow_up_on,
        owner=by if getattr(by, "pk", None) else None,
        created_by=by if getattr(by, "pk", None) else None,
    )
    entry.full_clean()
    InfluencerInteraction.objects.filter(influencer=influencer, follow_up_done=False).exclude(
        next_follow_up_on=None
    ).update(follow_up_done=True)
    entry.save()
    influencer_touch(influencer)
    if influencer.stage == Stage.PROSPECT:
        influencer_move_stage(influencer, Stage.CONTACTED, by=by)
    return entry


def influencer_touch(influencer: Influencer) -> None:
    """Keep ``last_contacted_at`` equal to the latest outreach entry (an old entry typed late never
    moves it back; a deleted or corrected one moves it to what is left). Derived, so written
    without a history row."""
    latest = influencer.interactions.aggregate(latest=Max("occurred_at"))["latest"]
    if latest != influencer.last_contacted_at:
        influencer.last_contacted_at = latest
        Influencer.objects.filter(pk=influencer.pk).update(last_contacted_at=latest)


def _user(by):
    return by if getattr(by, "pk", None) else None


# --- shared creators: one public profile, a relationship per country team -------------------

NO_SUCH_PROFILE = _lazy("No such influencer to share the profile of.")


def check_share(influencer: Influencer, *, adding_accounts: bool = False) -> Influencer | None:
    """The rules of a shared creator, whichever door sets ``profile``; returns the home record.

    The profile is another country's record (looked up across the scope: the team sharing may
    not see it), that is not itself shared (no chains) and that this country does not work
    already; a record that keeps accounts, or whose profile others share, cannot point at
    another. Every refusal is a field error on ``profile`` (or on ``accounts``).
    """
    from opsportal.access import in_country
    from opsportal.scope import unscoped

    from .models import PlatformAccount

    if influencer.profile_id is None:
        if influencer.pk is not None:
            with unscoped():
                # A home record moved into the country of a team that shares it would share itself.
                moved = in_country(Influencer.objects.filter(profile_id=influencer.pk), influencer.country_id)
                if moved.exists():
                    raise ValidationError({"country": _("This country's team already shares this creator's profile.")})
        return None
    with unscoped():
        home = Influencer.objects.filter(pk=influencer.profile_id).first()
        if home is None or home.pk == influencer.pk:
            raise ValidationError({"profile": NO_SUCH_PROFILE})
        if home.country_id == influencer.country_id:
            raise ValidationError({"profile": _("The shared profile must be another country team's record.")})
        if home.profile_id is not None:
            raise ValidationError(
                {
                    "profile": _(
                        "That record shares another team's profile itself; share the record that keeps the accounts."
                    )
                }
            )
        if influencer.pk is not None:
            if Influencer.objects.filter(profile_id=influencer.pk).exists():
                raise ValidationError(
                    {"profile": _("Other country teams share this record's profile; it cannot share another's.")}
                )
            if PlatformAccount.objects.filter(influencer_id=influencer.pk).exists():
                raise ValidationError(
                    {"profile": _("This record keeps platform accounts of its own; it cannot share another's profile.")}
                )
        if adding_accounts:
            raise ValidationError({"accounts": SHARED_KEEPS_NO_ACCOUNTS})
        others = in_country(Influencer.objects.filter(profile_id=home.pk), influencer.country_id)
        if influencer.pk is not None:
            others = others.exclude(pk=influencer.pk)
        if others.exists():
            raise ValidationError({"profile": _("This country team already works this creator.")})
    return home


SHARED_KEEPS_NO_ACCOUNTS = _lazy(
    "This creator's accounts are kept by the team of the shared profile; they cannot be added here."
)


def copy_public_profile(home: Influencer, shared: Influencer) -> None:
    """The shared relationship shows the home record's follower figures (not saved here)."""
    for name in PUBLIC_PROFILE_FIELDS:
        setattr(shared, name, getattr(home, name))


@transaction.atomic
def influencer_share(
    home: Influencer,
    country,
    *,
    by=None,
    relationship_owner=None,
    stage: str = Stage.PROSPECT,
    notes: str = "",
) -> Influencer:
    """Start ``country``'s own relationship with the creator ``home`` keeps the accounts of.

    Name, local name and kind come from the home record; stage, owner and notes are the new
    team's own, and its outreach log starts empty. The accounts and follower history are not
    copied: they stay with ``home`` and are read through ``selectors.public_accounts``. Checked
    by ``check_share`` and saved by ``influencer_save`` (stage stamp, history row naming the door).
    A home record that is itself shared is followed to the record that keeps the accounts.
    """
    from opsportal.scope import unscoped

    # Read across the scope (the sharing team may not see it), only to copy the public names.
    with unscoped():
        home = Influencer.objects.only("pk", "country_id", "profile_id", "name", "local_name", "kind").get(
            pk=home.profile_id or home.pk
        )
    shared = Influencer(
        country=country,
        profile=home,
        name=home.name,
        local_name=home.local_name,
        kind=home.kind,
        stage=stage,
        relationship_owner=relationship_owner,
        notes=notes,
    )
    return influencer_save(shared, by=by)


def check_not_shared_home(influencer: Influencer, field: str = NON_FIELD_ERRORS) -> None:
    """A record whose profile other teams share keeps their accounts: it cannot go."""
    from opsportal.scope import unscoped

    with unscoped():
        shared = Influencer.objects.filter(profile_id=influencer.pk).exists()
    if shared:
        raise ValidationError(
            {
                field: _(
                    "Other country teams share this creator's profile (accounts and followers kept here); "
                    "it cannot be removed or erased while they do."
                )
            }
        )


@transaction.atomic
def influencer_delete(influencer: Influencer, *, by=None) -> None:
    """Remove a relationship; a home record shared by other teams is refused."""
    check_not_shared_home(influencer)
    influencer.delete()


@transaction.atomic
def influencer_save(
    influencer: Influencer,
    *,
    categories=None,
    accounts=(),
    removed_accounts=(),
    by=None,
) -> Influencer:
    """Create or update an influencer together with their platform accounts, all or nothing.

    ``accounts`` are new or changed ``PlatformAccount`` instances (their influencer is set
    here); ``removed_accounts`` are deleted, unless they carry follower history (that history
    is the influencer's growth: it is kept, and the removal refused on the account).
    Totals and the crossover date are recomputed when the accounts changed. A changed stage is
    stamped like ``influencer_move_stage``'s.
    """
    from .followers import refresh_followers
    from .models import PlatformAccount

    if influencer.pk is None:
        influencer.created_by = _user(by)
    _stamp_stage_move(influencer)
    home = check_share(influencer, adding_accounts=any(a for a in accounts))
    if home is not None:
        copy_public_profile(home, influencer)
    influencer.full_clean()
    influencer.save()
    if home is None:
        # A home record's changed home platform or joining date reaches the teams sharing it.
        from .followers import sync_shared_profiles

        sync_shared_profiles([influencer.pk])
    if categories is not None:
        influencer.categories.set(categories)
    touched = False
    for account in removed_accounts:
        if account.pk is None:
            continue
        _check_removable(account, "accounts")
        account.delete()
        touched = True
    for account in accounts:
        account.influencer = influencer
        if account.pk is None:
            account.created_by = _user(by)
        account.full_clean()
        save_validated(account)
        touched = True
    if touched:
        refresh_followers(
            list(PlatformAccount.objects.filter(influencer=influencer).values_list("pk", flat=True)),
            {influencer.pk: dt.date.min},
        )
    elif influencer.is_core and influencer.week_gain_since is None:
        # Newly core (or core before any count): the dashboard reads its gain from now on.
        from .gains import refresh_week_gains

        refresh_week_gains(influencer_ids=[influencer.pk])
    return influencer


@transaction.atomic
def influencer_interaction_save(entry: InfluencerInteraction, *, by=None) -> InfluencerInteraction:
    """A new entry is logged (``influencer_log_interaction``: earlier follow-ups done, a prospect
    becomes contacted); an existing one is corrected as it is."""
    if entry.pk is None:
        return influencer_log_interaction(
            entry.influencer,
            kind=entry.kind,
            summary=entry.summary,
            occurred_at=entry.occurred_at,
            next_follow_up_on=entry.next_follow_up_on,
            by=by,
        )
    before = InfluencerInteraction.objects.filter(pk=entry.pk).values_list("influencer_id", flat=True).first()
    entry.full_clean()
    entry.save()
    # A corrected date (or creator) moves the last contact of each creator it touches.
    influencer_touch(entry.influencer)
    if before and before != entry.influencer_id:
        influencer_touch(Influencer.objects.get(pk=before))
    return entry


@transaction.atomic
def influencer_interaction_delete(entry: InfluencerInteraction, *, by=None) -> None:
    """Remove a logged touch; the creator's last contact falls back to what is left."""
    influencer = entry.influencer
    entry.delete()
    influencer_touch(influencer)


def _refresh_totals(*influencer_ids: int) -> None:
    from .followers import refresh_followers

    refresh_followers([], dict.fromkeys(influencer_ids, dt.date.min))


@transaction.atomic
def platform_account_save(account, *, by=None):
    """Add or change one platform account. Moved to another creator or re-labelled to another
    platform, both creators' totals and crossovers are recomputed from the history."""
    from .models import PlatformAccount

    before = None
    if account.influencer_id is not None:
        shared = Influencer._base_manager.filter(pk=account.influencer_id).values_list("profile_id", flat=True).first()
        if shared is not None:
            raise ValidationError({"influencer": SHARED_KEEPS_NO_ACCOUNTS})
    if account.pk is not None:
        before = PlatformAccount.objects.filter(pk=account.pk).values_list("influencer_id", "platform").first()
    else:
        account.created_by = account.created_by or _user(by)
    account.full_clean()
    save_validated(account)
    if before and before != (account.influencer_id, account.platform):
        _refresh_totals(before[0], account.influencer_id)
    return account


def _check_removable(account, field: str) -> None:
    # The follower history is the creator's growth: it is kept, so its account stays too.
    if account.snapshots.exists():
        raise ValidationError(
            {field: _("%(account)s has follower history; it cannot be removed.") % {"account": account}}
        )


@transaction.atomic
def platform_account_delete(account, *, by=None) -> None:
    """Remove an account that has no follower history; its creator's totals no longer count it."""
    _check_removable(account, NON_FIELD_ERRORS)
    influencer_id = account.influencer_id
    account.delete()
    _refresh_totals(influencer_id)
