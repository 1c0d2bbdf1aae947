"""Challenges (matched by country + hashtag) and their metric snapshots (+ captured at)."""

from __future__ import annotations

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from challenges.metrics import METRICS, refresh_challenge_totals
from challenges.models import Challenge, ChallengeMetricSnapshot, Format, Status
from challenges.services import challenge_save
from imports import parsing
from imports.kinds.base import (
    Column,
    ImportKind,
    Outcome,
    RowByRowKind,
    RowError,
    RowProblems,
    Run,
    collect,
    differences,
)
from locales.models import CulturalMoment
from opsportal.access import in_country
from opsportal.db import Source
from opsportal.l10n import country_name
from opsportal.timecheck import MOMENT_AHEAD, moment_ahead

FORMAT_ALIASES = {
    "dancing": "dance",
    "tari": "dance",
    "joget": "dance",
    "tarian": "dance",
    "dubbing": "lip_sync",
    "lipsync": "lip_sync",
    "lip sync": "lip_sync",
    "camera": "camera_movement",
    "transition": "camera_movement",
    "transisi": "camera_movement",
    "sticker": "sticker_effect",
    "effect": "sticker_effect",
    "filter": "sticker_effect",
    "efek": "sticker_effect",
    "drama": "scene",
    "acting": "scene",
    "reenact": "imitation",
    "costume": "imitation",
    "pet": "pets",
    "animals": "pets",
    "hewan": "pets",
    "komedi": "comedy",
    "lucu": "comedy",
    "jalan jalan": "travel",
    "masak": "cooking",
    "recipe": "cooking",
    "makanan": "food",
    "kuliner": "food",
}
STATUS_ALIASES = {
    "draft": "idea",
    "ide": "idea",
    "scheduled": "planned",
    "upcoming": "planned",
    "rencana": "planned",
    "running": "live",
    "active": "live",
    "ongoing": "live",
    "berjalan": "live",
    "aktif": "live",
    "done": "ended",
    "finished": "ended",
    "completed": "ended",
    "over": "ended",
    "selesai": "ended",
}

CONFLICT = _l("Row %(row)d has the same challenge and time with another value (%(old)s, here %(new)s).")
SAME_AS = _l("Same as row %(row)d (%(label)s).")

COUNTRY = Column(
    "country", _l("Country"), aliases=("negara", "market", "country_code"), help=_l("Code (ID) or name."), example="ID"
)
HASHTAG = Column(
    "hashtag",
    _l("Hashtag"),
    aliases=("tag", "challenge", "hashtag_challenge", "challenge_hashtag", "tagar"),
    required=True,
    help=_l("With or without #, or the hashtag page URL."),
    example="#JogetBareng",
)


def _moment(country, value) -> CulturalMoment:
    text = parsing.clean_text(value)
    found = [
        m
        for m in in_country(CulturalMoment.objects.all(), country)
        if text.lower() in (m.name.lower(), (m.local_name or "").lower())
    ]
    if not found:
        raise parsing.CellError(
            _("No cultural moment %(name)s in %(country)s.") % {"name": text, "country": country_name(country)}
        )
    return found[0]


class ChallengeKind(RowByRowKind):
    """Each row goes through ``challenge_save``: the same validation and status guards as the portal."""

    name = "challenges"
    label = _l("Challenges")
    model = Challenge
    natural_key = _l("country + hashtag (case-insensitive, with or without #)")
    columns = [
        COUNTRY,
        HASHTAG,
        Column(
            "title",
            _l("Title"),
            aliases=("name", "judul", "challenge_name", "challenge_title", "nama"),
            help=_l("Required for a new challenge."),
            example="Multi-person frame challenge",
        ),
        Column(
            "format",
            _l("Format"),
            aliases=("type", "jenis", "kind", "category"),
            help=_l("dance, lip_sync, camera_movement, sticker_effect, imitation, comedy, ..."),
            example="dance",
        ),
        Column(
            "how_to_play",
            _l("How to play"),
            aliases=("how_to", "mechanics", "cara_main", "rules", "description", "deskripsi"),
        ),
        Column("music", _l("Music"), aliases=("song", "sound", "lagu", "musik", "audio")),
        Column(
            "sticker_effect",
            _l("Sticker or effect"),
            aliases=("sticker", "effect", "sticker_or_effect", "filter", "efek"),
        ),
        Column("status", _l("Status"), aliases=("state",), help=_l("idea, planned, live or ended."), example="live"),
        Column(
            "starts_at",
            _l("Starts"),
            aliases=(
                "start",
                "start_date",
                "starts",
                "starts_on",
                "mulai",
                "tanggal_mulai",
                "launch",
                "launch_date",
                "from",
            ),
            help=_l("Local time of the country."),
            example="2018-07-04",
        ),
        Column(
            "ends_at",
            _l("Ends"),
            aliases=("end", "end_date", "ends", "ends_on", "selesai", "tanggal_selesai", "until", "to"),
            help=_l("A bare date means the end of that day."),
            example="11/07/2018",
        ),
        Column(
            "target_views",
            _l("Target views"),
            aliases=("views_target", "goal_views", "target_view", "target_penayangan"),
            example="50M",
        ),
        Column("target_videos", _l("Target videos"), aliases=("videos_target", "goal_videos", "target_video")),
        Column(
            "owner",
            _l("Owner"),
            aliases=("pic", "person_in_charge", "operator", "owner_email"),
            help=_l("Username or email of a staff member."),
        ),
        Column("cultural_moment", _l("Cultural moment"), aliases=("moment", "festival", "occasion", "momen")),
    ]

    def import_row(self, run: Run, number: int, values: dict) -> tuple[str, str]:
        country = run.country_for(values)
        day_first, zone = country.dates_day_first, country.zone
        clean, problems = collect(
            values,
            {
                "hashtag": parsing.parse_hashtag,
                "title": lambda v: parsing.clean_text(v, max_length=200),
                "format": lambda v: parsing.parse_choice(v, Format.choices, FORMAT_ALIASES),
                "how_to_play": parsing.clean_text,
                "music": lambda v: parsing.clean_text(v, max_length=200),
                "sticker_effect": lambda v: parsing.clean_text(v, max_length=200),
                "status": lambda v: parsing.parse_choice(v, Status.choices, STATUS_ALIASES),
                "starts_at": lambda v: parsing.parse_datetime(v, day_first=day_first, zone=zone),
                "ends_at": lambda v: parsing.parse_datetime(v, day_first=day_first, zone=zone, end_of_day=True),
                "target_views": parsing.parse_count,
                "target_videos": parsing.parse_count,
                "owner": lambda v: run.user_for("owner", v, country, Challenge).pk,
                "cultural_moment": lambda v: _moment(country, v).pk,
            },
        )
        if "hashtag" not in clean and not any(p[0] == "hashtag" for p in problems):
            problems.append(("hashtag", _("Every row needs the challenge's hashtag.")))
        if problems:
            raise RowProblems(problems)
        hashtag = clean.pop("hashtag")
        status = clean.pop("status", None)
        for name in ("owner", "cultural_moment"):
            if name in clean:
                clean[f"{name}_id"] = clean.pop(name)
        challenge = (
            Challenge.objects.annotate(hashtag_lower=Lower("hashtag"))
            .filter(country=country, hashtag_lower=hashtag.lower())
            .first()
        )
        label = f"#{hashtag}"
        if challenge is None:
            missing = [(n, _("Required for a new challenge.")) for n in ("title", "format") if n not in clean]
            if status in (Status.LIVE, Status.ENDED) and "starts_at" not in clean:
                missing.append(("starts_at", _("A live or ended challenge needs its start.")))
            if missing:
                raise RowProblems(missing)
            challenge = Challenge(country=country, hashtag=hashtag, **clean)
            # Spreadsheets bring history: a challenge that already ran arrives live or ended,
            # where the portal would make it start as an idea. Everything else is validated alike.
            challenge_save(challenge, by=run.user, status=status, arrives_with_history=True)
            run.seen[(country.pk, hashtag.lower())] = number
            run.record("challenge", "create")
            return Outcome.CREATE, f"{label} · {challenge.title}"
        changes = differences(challenge, clean)
        if status and status != challenge.status:
            changes["status"] = (challenge.status, status)
        duplicate = self.check_duplicate(run, (country.pk, hashtag.lower()), number, challenge, changes, label)
        if duplicate:
            return duplicate
        if not changes:
            return Outcome.UNCHANGED, label
        for name, (_old, new) in changes.items():
            if name != "status":
                setattr(challenge, name, new)
        challenge_save(challenge, by=run.user, status=status if "status" in changes else None)
        run.record("challenge", "update")
        return Outcome.UPDATE, f"{label}: " + ", ".join(sorted(changes))


class MetricSnapshotKind(ImportKind):
    """Hand-typed view counts: upserted in bulk on (challenge, captured at); the challenge's cached
    totals are then refreshed by the metrics service."""

    name = "metrics"
    label = _l("Challenge metric snapshots")
    model = ChallengeMetricSnapshot
    natural_key = _l("country + hashtag + captured at")
    batch_size = 2000
    columns = [
        COUNTRY,
        HASHTAG,
        Column(
            "captured_at",
            _l("Captured at"),
            aliases=("date", "tanggal", "as_of", "captured", "time", "timestamp", "recorded_at", "datetime", "waktu"),
            required=True,
            help=_l("Local time of the country; a bare date means midnight."),
            example="2018-07-04 18:00",
        ),
        Column(
            "views",
            _l("Views"),
            aliases=("view_count", "total_views", "plays", "penayangan", "tayangan", "ditonton"),
            example="53M",
        ),
        Column(
            "videos", _l("Videos"), aliases=("video_count", "videos_count", "jumlah_video", "posts"), example="1,2 jt"
        ),
        Column("likes", _l("Likes"), aliases=("like_count", "suka", "hearts")),
        Column("comments", _l("Comments"), aliases=("comment_count", "komentar")),
        Column("shares", _l("Shares"), aliases=("share_count", "bagikan", "dibagikan")),
    ]

    def process(self, run: Run, batch: list[tuple[int, dict]]) -> None:
        parsed = []
        for number, values in batch:
            try:
                parsed.append(self._parse(run, number, values))
            except RowProblems as exc:
                run.row_failed(number, exc.problems)
            except RowError as exc:
                run.row_failed(number, [(exc.field, exc.message)])
        challenges = self._challenges({(row[1].pk, row[2].lower()) for row in parsed})
        keys = {(challenges[(c.pk, h.lower())].pk, t) for _n, c, h, t, _m in parsed if (c.pk, h.lower()) in challenges}
        existing = {
            (s.challenge_id, s.captured_at): s
            for s in ChallengeMetricSnapshot.objects.filter(
                challenge_id__in={k[0] for k in keys}, captured_at__in={k[1] for k in keys}
            )
        }
        new: dict[tuple, ChallengeMetricSnapshot] = {}
        changed: dict[int, ChallengeMetricSnapshot] = {}
        for number, country, hashtag, captured_at, metrics in parsed:
            challenge = challenges.get((country.pk, hashtag.lower()))
            if challenge is None:
                run.row_failed(
                    number,
                    [
                        (
                            "hashtag",
                            _("No challenge #%(tag)s in %(country)s.")
                            % {"tag": hashtag, "country": country_name(country)},
                        )
                    ],
                )
                continue
            key = (challenge.pk, captured_at)
            label = f"#{challenge.hashtag} · {captured_at:%Y-%m-%d %H:%M}"
            snapshot = new.get(key) or existing.get(key)
            if snapshot is None:
                new[key] = ChallengeMetricSnapshot(
                    challenge=challenge, captured_at=captured_at, source=Source.IMPORT, **metrics
                )
                run.seen[key] = number
                run.outcome(number, Outcome.CREATE, label)
                continue
            changes = differences(snapshot, metrics)
            earlier = run.seen.get(key)
            if earlier is not None:
                if changes:
                    name, (old, value) = next(iter(changes.items()))
                    message = CONFLICT % {"row": earlier, "old": f"{old:,}", "new": f"{value:,}"}
                    run.row_failed(number, [(name, message)])
                else:
                    run.outcome(number, Outcome.SKIP, SAME_AS % {"row": earlier, "label": label})
                continue
            run.seen[key] = number
            if not changes:
                run.outcome(number, Outcome.UNCHANGED, label)
                continue
            for name, (_old, value) in changes.items():
                setattr(snapshot, name, value)
            snapshot.source = Source.IMPORT
            changed[snapshot.pk] = snapshot
            run.outcome(number, Outcome.UPDATE, label)
        ChallengeMetricSnapshot.objects.bulk_create(list(new.values()), batch_size=1000)
        ChallengeMetricSnapshot.objects.bulk_update(list(changed.values()), [*METRICS, "source"], batch_size=1000)
        run.record("metric_snapshot", "create", len(new))
        run.record("metric_snapshot", "update", len(changed))
        refresh_challenge_totals({k[0] for k in new} | {s.challenge_id for s in changed.values()})

    def _parse(self, run: Run, number: int, values: dict):
        country = run.country_for(values)
        clean, problems = collect(
            values,
            {
                "hashtag": parsing.parse_hashtag,
                "captured_at": lambda v: parsing.parse_datetime(
                    v, day_first=country.dates_day_first, zone=country.zone
                ),
                **dict.fromkeys(METRICS, parsing.parse_count),
            },
        )
        for name in ("hashtag", "captured_at"):
            if name not in clean and not any(p[0] == name for p in problems):
                problems.append((name, _("Required.")))
        if clean.get("captured_at") is not None and moment_ahead(clean["captured_at"]):
            problems.append(("captured_at", str(MOMENT_AHEAD)))
        if not any(m in values for m in METRICS) and not problems:
            problems.append(("views", _("Give at least one of views, videos, likes, comments, shares.")))
        if problems:
            raise RowProblems(problems)
        metrics = {m: clean[m] for m in METRICS if m in clean}
        return number, country, clean["hashtag"], clean["captured_at"], metrics

    @staticmethod
    def _challenges(keys: set[tuple]) -> dict[tuple, Challenge]:
        if not keys:
            return {}
        found = Challenge.objects.annotate(hashtag_lower=Lower("hashtag")).filter(
            country_id__in={k[0] for k in keys}, hashtag_lower__in={k[1] for k in keys}
        )
        return {(c.country_id, c.hashtag.lower()): c for c in found}
