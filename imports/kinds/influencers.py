"""Influencers with their platform accounts and follower counts.

Built for 100,000-row files: rows are read in batches; each batch is matched with a handful of
queries and written with bulk_create / bulk_update, then the cached follower fields are
recomputed set-based for the influencers it touched.

Matching, in order: an account's natural key (platform + handle, case-insensitive) anywhere
in the database or earlier in the file; otherwise an influencer of the same country with
exactly the same name (case-insensitive), so one row per account works too; otherwise new.
"""

from __future__ import annotations

import weakref

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from imports import parsing
from imports.kinds.base import (
    Column,
    ImportKind,
    RowError,
    Run,
    cell,
    collect,
    local_today,
)
from imports.kinds.first_rows import FirstRows
from imports.kinds.influencer_batch import AccountIn, InfluencerBatch, ParsedRow
from influencers.models import (
    Category,
    Influencer,
    Kind,
    Platform,
    Stage,
    Tier,
)
from opsportal.timecheck import DAY_AHEAD, day_ahead

PLATFORMS = [p for p in Platform.values if p != Platform.OTHER]
# Built once: TextChoices.choices makes a new list on every call, and rows are many.
KIND_CHOICES, TIER_CHOICES, STAGE_CHOICES, PLATFORM_CHOICES = (
    Kind.choices,
    Tier.choices,
    Stage.choices,
    Platform.choices,
)
SHORT = {"tiktok": ("tt",), "youtube": ("yt",), "instagram": ("ig", "insta"), "facebook": ("fb",), "x": ("twitter",)}
PLATFORM_ALIASES = {
    "tt": "tiktok",
    "yt": "youtube",
    "ig": "instagram",
    "insta": "instagram",
    "fb": "facebook",
    "twitter": "x",
    "douyin": "tiktok",
}
KIND_ALIASES = {
    "influencer": "creator",
    "kreator": "creator",
    "artis": "celebrity",
    "selebriti": "celebrity",
    "atlet": "athlete",
    "singer": "musician",
    "penyanyi": "musician",
    "band": "musician",
    "aktor": "actor",
    "actress": "actor",
    "aktris": "actor",
}
STAGE_ALIASES = {
    "lead": "prospect",
    "new": "prospect",
    "reached out": "contacted",
    "dihubungi": "contacted",
    "joined": "onboarded",
    "aktif": "active",
    "inactive": "dormant",
    "tidak aktif": "dormant",
}

INFLUENCER_FIELDS = (
    "name",
    "local_name",
    "kind",
    "tier",
    "stage",
    "is_core",
    "core_since",
    "home_platform",
    "joined_platform_on",
    "email",
    "phone",
    "city",
    "notes",
    "relationship_owner",
)


def _platform_columns() -> list[Column]:
    columns = []
    for p in PLATFORMS:
        label = Platform(p).label
        shorts = SHORT.get(p, ())
        columns.append(
            Column(
                p,
                _l("%(platform)s handle or profile URL") % {"platform": label},
                aliases=(f"{p}_handle", f"{p}_url", f"{p}_account", f"{p}_username", f"{p}_profile", f"akun_{p}")
                + tuple(s for s in shorts)
                + tuple(f"{s}_handle" for s in shorts)
                + (("youtube_channel", "channel") if p == "youtube" else ()),
                example={"tiktok": "@kaykai", "youtube": "https://www.youtube.com/@KaykaiSalaider"}.get(p, ""),
            )
        )
        columns.append(
            Column(
                f"{p}_followers",
                _l("%(platform)s followers") % {"platform": label},
                aliases=(f"followers_{p}", f"{p}_follower", f"{p}_fans", f"pengikut_{p}", f"{p}_pengikut")
                + tuple(f"{s}_followers" for s in shorts)
                + (
                    ("youtube_subscribers", "subscribers_youtube", "yt_subscribers", "subscribers")
                    if p == "youtube"
                    else ()
                ),
                help=_l("5,700,000 · 5.7M · 5,7 jt · 570K · 57万"),
                example={"tiktok": "3,2 jt", "youtube": "5.7M"}.get(p, ""),
            )
        )
    return columns


COLUMNS = [
    Column(
        "country",
        _l("Country"),
        aliases=("negara", "market", "country_code"),
        help=_l("Code (ID) or name."),
        example="ID",
    ),
    Column(
        "name",
        _l("Name (romanised)"),
        aliases=(
            "full_name",
            "nama",
            "nama_lengkap",
            "influencer",
            "creator",
            "influencer_name",
            "creator_name",
            "romanised_name",
            "name_romanised",
            "english_name",
        ),
        help=_l("Required for a new influencer."),
        example="Kaykai Salaider",
    ),
    Column(
        "local_name",
        _l("Name in local script"),
        aliases=(
            "name_local",
            "local_script",
            "native_name",
            "nama_lokal",
            "name_in_local_script",
            "thai_name",
            "japanese_name",
            "ชื่อ",
            "名前",
        ),
        example="ไข่ไก่",
    ),
    Column(
        "kind",
        _l("Kind"),
        aliases=("type", "jenis", "influencer_type", "profession"),
        help=_l("creator, celebrity, athlete, musician or actor."),
        example="creator",
    ),
    Column("tier", _l("Tier"), aliases=("level",), help=_l("mega, macro, mid or micro.")),
    Column(
        "stage",
        _l("Pipeline stage"),
        aliases=("pipeline", "pipeline_stage", "status", "tahap"),
        help=_l("prospect, contacted, onboarded, active or dormant."),
        example="active",
    ),
    Column(
        "is_core",
        _l("Core influencer"),
        aliases=("core", "core_influencer", "inti"),
        help=_l("yes / no"),
        example="yes",
    ),
    Column("core_since", _l("Core since"), aliases=("core_date",)),
    Column(
        "home_platform",
        _l("Home platform"),
        aliases=("main_platform", "origin_platform", "platform_asal", "migrated_from"),
        example="youtube",
    ),
    Column(
        "joined_platform_on",
        _l("Joined our platform on"),
        aliases=("joined", "joined_on", "join_date", "tanggal_gabung", "joined_date"),
        example="2018-03-01",
    ),
    Column("email", _l("Email"), aliases=("e_mail", "mail", "email_address")),
    Column("phone", _l("Phone"), aliases=("whatsapp", "wa", "tel", "telephone", "mobile", "hp", "no_hp", "telepon")),
    Column("city", _l("City"), aliases=("kota", "location", "lokasi")),
    Column("notes", _l("Notes"), aliases=("note", "catatan", "remarks", "comment", "comments", "keterangan")),
    Column(
        "categories",
        _l("Categories"),
        aliases=("category", "kategori", "niche", "genre", "content", "konten"),
        help=_l("Names or slugs separated by commas; new ones are added."),
        example="Comedy, Dance",
    ),
    Column(
        "relationship_owner",
        _l("Relationship owner"),
        aliases=("owner", "pic", "manager", "account_manager"),
        help=_l("Username or email of a staff member."),
    ),
    *_platform_columns(),
    Column(
        "platform",
        _l("Platform (one account per row)"),
        aliases=("social_media", "sosmed", "network"),
        help=_l("With handle and followers, for files with one row per account."),
    ),
    Column(
        "handle",
        _l("Handle or profile URL (one account per row)"),
        aliases=("account", "username", "user_name", "profile", "profile_url", "url", "link", "akun"),
    ),
    Column(
        "followers",
        _l("Followers (one account per row)"),
        aliases=("follower_count", "followers_count", "fans", "pengikut", "subscribers_count"),
    ),
    Column(
        "followers_on",
        _l("Followers counted on"),
        aliases=("as_of", "counted_on", "date", "tanggal", "follower_date", "snapshot_date", "data_date"),
        help=_l("The day of the counts; today when empty."),
    ),
]


class InfluencerKind(ImportKind):
    name = "influencers"
    label = _l("Influencers")
    model = Influencer
    columns = COLUMNS
    natural_key = _l(
        "platform + handle (case-insensitive, with or without @, or the profile URL); rows without a known "
        "handle match an influencer of the same country with the same name"
    )
    batch_size = 5000

    # --- reading one row ------------------------------------------------------------------
    def parse(self, run: Run, number: int, values: dict) -> ParsedRow:
        try:
            country = run.country_for(values)
        except RowError as exc:
            return ParsedRow(number, None, {}, None, [], None, problems=[(exc.field, exc.message)])
        clean, problems = collect(values, self._cleaners(run, country))
        accounts: list[AccountIn] = []
        for p in PLATFORMS:
            raw_handle, raw_count = values.get(p), values.get(f"{p}_followers")
            try:
                if raw_handle is not None:
                    _found, handle, url = cell(p, parsing.parse_handle, raw_handle, p)
                    count = cell(f"{p}_followers", parsing.parse_count, raw_count) if raw_count is not None else None
                    accounts.append(AccountIn(p, handle, url, count, p))
                elif raw_count is not None:
                    problems.append(
                        (
                            f"{p}_followers",
                            _("Followers without a %(platform)s handle.") % {"platform": Platform(p).label},
                        )
                    )
            except RowError as exc:
                problems.append((exc.field, exc.message))
        if values.get("handle") is not None or values.get("platform") is not None:
            try:
                accounts.append(self._long_account(values))
            except RowError as exc:
                problems.append((exc.field, exc.message))
        elif values.get("followers") is not None:
            problems.append(("followers", _("Followers without a handle.")))
        seen_keys = set()
        for account in accounts:
            if account.key in seen_keys:
                problems.append((account.column, _("The same account appears twice in this row.")))
            seen_keys.add(account.key)
        if not accounts and "name" not in clean and not problems:
            problems.append(("name", _("Give a name or at least one handle.")))
        if "relationship_owner" in clean:
            clean["relationship_owner_id"] = clean.pop("relationship_owner").pk
        followers_on = clean.pop("followers_on", None)
        if followers_on is None:
            followers_on = self._today(run, country)
        elif day_ahead(followers_on, run.state["now"]):
            problems.append(("followers_on", str(DAY_AHEAD)))
        categories = clean.pop("categories", None)
        return ParsedRow(number, country, clean, categories, accounts, followers_on, problems)

    def _cleaners(self, run: Run, country) -> dict:
        """The row's cleaners, built once per country of the run: rows are many, countries few."""
        cleaners = run.state["cleaners"].get(country.pk)
        if cleaners is not None:
            return cleaners
        day_first = country.dates_day_first
        this_run = weakref.ref(run)
        kind, tier, stage, home_platform = (
            parsing.choice_reader(KIND_CHOICES, KIND_ALIASES),
            parsing.choice_reader(TIER_CHOICES),
            parsing.choice_reader(STAGE_CHOICES, STAGE_ALIASES),
            parsing.choice_reader(PLATFORM_CHOICES, PLATFORM_ALIASES),
        )
        cleaners = run.state["cleaners"][country.pk] = {
            "name": lambda v: parsing.clean_text(v, max_length=200),
            "local_name": lambda v: parsing.clean_text(v, max_length=200),
            "kind": kind,
            "tier": tier,
            "stage": stage,
            "is_core": parsing.parse_bool,
            "core_since": lambda v: parsing.parse_date(v, day_first=day_first),
            "home_platform": home_platform,
            "joined_platform_on": lambda v: parsing.parse_date(v, day_first=day_first),
            "email": lambda v: _email(v),
            "phone": lambda v: parsing.clean_text(v, max_length=50),
            "city": lambda v: parsing.clean_text(v, max_length=100),
            "notes": parsing.clean_text,
            # Through a weak reference: the run keeps these cleaners, and a cycle through them
            # would keep the run (and its index of every row) alive until a full collection.
            "relationship_owner": lambda v: this_run().user_for("relationship_owner", v, country, Influencer),
            "categories": lambda v: [
                c.strip() for c in parsing.clean_text(v).replace(";", ",").split(",") if c.strip()
            ],
            "followers_on": lambda v: parsing.parse_date(v, day_first=day_first),
        }
        return cleaners

    @staticmethod
    def _today(run: Run, country):
        """The country's date at the start of the batch: the day of counts given without one."""
        today = run.state["today"].get(country.pk)
        if today is None:
            today = run.state["today"][country.pk] = local_today(country)
        return today

    def _long_account(self, values: dict) -> AccountIn:
        platform = None
        if values.get("platform") is not None:
            platform = cell("platform", parsing.parse_choice, values["platform"], PLATFORM_CHOICES, PLATFORM_ALIASES)
        if values.get("handle") is None:
            raise RowError("handle", _("A platform without a handle."))
        found, handle, url = cell("handle", parsing.parse_handle, values["handle"], platform)
        platform = platform or found
        if platform is None:
            raise RowError(
                "platform",
                _("Which platform is @%(handle)s on? Fill the platform column or paste the profile URL.")
                % {"handle": handle},
            )
        count = (
            cell("followers", parsing.parse_count, values["followers"]) if values.get("followers") is not None else None
        )
        return AccountIn(platform, handle, url, count, "handle")

    # --- a batch --------------------------------------------------------------------------
    def start(self, run: Run) -> None:
        run.state["first_rows"] = FirstRows()
        run.state["cleaners"] = {}
        run.state["categories"] = {}
        for category in Category.objects.all():
            run.state["categories"][category.slug.lower()] = category
            run.state["categories"][category.name.lower()] = category

    def process(self, run: Run, batch: list[tuple[int, dict]]) -> None:
        run.state["now"], run.state["today"] = timezone.now(), {}
        rows = [self.parse(run, number, values) for number, values in batch]
        good = [r for r in rows if not r.problems]
        for row in rows:
            if row.problems:
                run.row_failed(row.number, row.problems)
        if not good:
            return
        batch_state = InfluencerBatch.load(good, run.state["first_rows"])
        for row in good:
            problems = batch_state.plan(run, self, row)
            if problems:
                run.row_failed(row.number, problems)
        batch_state.flush(run)

    def finish(self, run: Run) -> None:
        run.state["first_rows"].close()

    def category_for(self, run: Run, name: str) -> Category:
        known = run.state["categories"]
        category = known.get(name.lower()) or known.get(slugify(name, allow_unicode=True))
        if category is None:
            slug = slugify(name, allow_unicode=True)[:50] or f"category-{len(known) + 1}"
            category = Category.objects.create(slug=slug, name=name[:80])
            run.record("category", "create")
            known[name.lower()] = known[slug] = category
        return category


def _email(value) -> str:
    from django.core.validators import validate_email

    text = parsing.clean_text(value, max_length=254)
    try:
        validate_email(text)
    except Exception:
        raise parsing.CellError(_("Not an email address: %(value)s.") % {"value": text})
    return text
