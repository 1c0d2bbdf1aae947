"""Text search used by the portal's search box and the API's ``q`` filter.

On PostgreSQL a record matches when, ignoring case and accents:
- every word of the query appears in one of its fields (substring, so a partial name, a Thai or
  Japanese name without spaces, a handle all work), or
- the whole query is close to a field by trigram similarity (a hashtag with a typo), or
- its full-text document matches every word as a prefix.
Each condition is served by a GIN index made in ``opsportal/feeds/migrations/0002_search.py``
(expressions here must stay identical to the ones indexed there).
On SQLite (the embedded default) the first two hold too, through SQL functions registered on each
connection (``opsportal/search_sqlite.py``); word prefixes are already substrings there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from urllib.parse import urlsplit

from django.contrib.postgres.lookups import TrigramSimilar, TrigramWordSimilar
from django.contrib.postgres.search import SearchQueryField, SearchVectorField, TrigramWordSimilarity
from django.db import connections
from django.db.models import BooleanField, F, FloatField, Func, Model, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Greatest, Lower
from django.db.models.lookups import Contains, GreaterThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsportal import search_sqlite
from opsportal.access import in_country

SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "influencers.influencer": ("name", "local_name", "accounts__handle"),
    "influencers.platformaccount": ("handle", "influencer__name", "influencer__local_name"),
    "challenges.challenge": ("hashtag", "title"),
    "events.event": ("name", "city", "venue"),
    "events.partner": ("name",),
    "locales.governmentcontact": ("person_name", "local_name", "organization"),
    "locales.regulatoryincident": ("title",),
    "locales.culturalmoment": ("name", "local_name"),
    "locales.country": ("name", "code"),
}

# Full-text documents per record; the migration indexes exactly these column lists.
DOCUMENTS: dict[str, tuple[str, ...]] = {
    "influencers.influencer": ("name", "local_name"),
    "challenges.challenge": ("hashtag", "title"),
    "events.event": ("name", "city", "venue"),
    "events.partner": ("name",),
    "locales.governmentcontact": ("person_name", "local_name", "organization"),
}

MAX_QUERY = 200
TYPO_MIN_LENGTH = 4  # below this, trigram similarity mostly finds noise
# pg_trgm's default word-similarity threshold (0.6) misses most one-letter typos in names and
# hashtags (they score 0.5-0.58); the operator takes its threshold from the session only.
WORD_SIMILARITY_THRESHOLD = 0.5
_TSQUERY_SPECIAL = re.compile(r"[&|!():*'\\<>\"]")


# --- query text ---------------------------------------------------------------------
def _clean_word(word: str) -> str:
    """A search word as people paste it: ``#hashtag``, ``@handle`` or a profile URL."""
    if "://" in word or word.startswith("www."):
        parts = [p for p in urlsplit(word if "://" in word else "https://" + word).path.split("/") if p]
        word = parts[-1] if parts else ""
    return word.strip().lstrip("#@").strip()


def query_words(q: str | None) -> list[str]:
    """The words of a query: NFKC-normalised (full-width letters as ASCII), without # and @.

    A word with no letter or digit once accents are removed (a lone ``´``, a ``&``) is dropped:
    it matches everything or, in a full-text query, nothing at all.
    """
    text = unicodedata.normalize("NFKC", q or "")[:MAX_QUERY]
    words = (_clean_word(raw) for raw in text.replace("\x00", " ").split())
    return [w for w in words if any(c.isalnum() for c in search_sqlite.unaccent(w))]


def is_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def configure_connection(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the typo threshold on PostgreSQL, the functions on SQLite."""
    if connection.vendor == "sqlite":
        search_sqlite.register(connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(WORD_SIMILARITY_THRESHOLD)]
            )


# --- PostgreSQL expressions -------------------------------------------------------------
class _Unaccent(Func):
    """The immutable ``unaccent`` wrapper that the indexes are built on."""

    function = "opsportal_unaccent"
    output_field = TextField()


def _norm(expression) -> Func:
    return _Unaccent(Lower(expression))


class _Document(Func):
    template = "to_tsvector('simple'::regconfig, opsportal_unaccent(lower(%(expressions)s)))"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()


class _PrefixQuery(Func):
    template = "to_tsquery('simple'::regconfig, opsportal_unaccent(lower(%(expressions)s)))"
    output_field = SearchQueryField()


class _Matches(Func):
    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


def _prefix_tsquery(words: list[str]) -> str:
    """``'kay':* & 'sala':*`` with tsquery's operators removed from the words."""
    terms = [_TSQUERY_SPECIAL.sub(" ", w).strip() for w in words]
    return " & ".join(f"'{t}':*" for term in terms for t in term.split() if t)


def _is_multi_valued(model: type[Model], path: str) -> bool:
    """Does the path cross a to-many relation (so a join would repeat rows)?"""
    for part in path.split("__")[:-1]:
        rel = model._meta.get_field(part)
        if rel.one_to_many or rel.many_to_many:
            return True
        model = rel.related_model
    return False


def _substring_all(fields: list[str], words: list[str]) -> Q:
    """Every word appears in one of the fields."""
    per_word = [reduce(or_, (Q(Contains(_norm(F(f)), _norm(Value(w)))) for f in fields)) for w in words]
    return reduce(and_, per_word)


class _SqliteSimilarity(Func):
    function = "opsportal_similarity"
    output_field = FloatField()


class _SqliteWordSimilarity(Func):
    function = "opsportal_word_similarity"
    output_field = FloatField()


# pg_trgm's defaults for its % and <% operators, which the SQLite functions mirror.
SIMILARITY_THRESHOLD = 0.3


def _typo(fields: list[str], phrase: str, postgres: bool) -> Q:
    if len(phrase) < TYPO_MIN_LENGTH:
        return Q(pk__in=[])
    value = _norm(Value(phrase))
    conditions = []
    for f in fields:
        if postgres:
            conditions.append(Q(TrigramSimilar(_norm(F(f)), value)))
            conditions.append(Q(TrigramWordSimilar(_norm(F(f)), value)))
        else:
            conditions.append(Q(GreaterThanOrEqual(_SqliteSimilarity(_norm(F(f)), value), SIMILARITY_THRESHOLD)))
            conditions.append(
                Q(GreaterThanOrEqual(_SqliteWordSimilarity(value, _norm(F(f))), WORD_SIMILARITY_THRESHOLD))
            )
    return reduce(or_, conditions)


def _match(model: type[Model], fields: tuple[str, ...], words: list[str], postgres: bool) -> Q:
    phrase = " ".join(words)
    direct = [f for f in fields if not _is_multi_valued(model, f)]
    multi = [f for f in fields if f not in direct]
    conditions: list[Q] = []
    if direct:
        conditions += [_substring_all(direct, words), _typo(direct, phrase, postgres)]
    document = DOCUMENTS.get(model._meta.label_lower)
    tsquery = _prefix_tsquery(words)
    if postgres and document and tsquery:  # on SQLite a word prefix is already a substring
        conditions.append(Q(_Matches(_Document(*[F(c) for c in document]), _PrefixQuery(Value(tsquery)))))
    match = reduce(or_, conditions) if conditions else None
    if not multi:
        return match
    # Matches through a to-many relation (an influencer's handles): ORing a subquery into the
    # row filter would force a sequential scan, so the ids from each side are UNIONed instead,
    # each side using its own indexes; no join, so no duplicate rows and no DISTINCT.
    manager = model._default_manager
    ids = manager.filter(match).values("pk").order_by() if match is not None else None
    for f in multi:
        related = manager.filter(_substring_all([f], words) | _typo([f], phrase, postgres)).values("pk").order_by()
        ids = related if ids is None else ids.union(related)
    return Q(pk__in=ids)


def filter_text(queryset: QuerySet, q: str) -> QuerySet:
    """Rows matching ``q`` (see the module docstring); the queryset unchanged without words."""
    model = queryset.model
    fields = SEARCH_FIELDS.get(model._meta.label_lower)
    words = query_words(q)
    if not fields or not words:
        return queryset
    return queryset.filter(_match(model, fields, words, is_postgres(queryset)))


def rank_text(queryset: QuerySet, q: str, *, name: str = "search_rank") -> QuerySet:
    """Annotate how well each row matches (0..1, higher first)."""
    model = queryset.model
    fields = [f for f in SEARCH_FIELDS.get(model._meta.label_lower, ()) if not _is_multi_valued(model, f)]
    words = query_words(q)
    if not fields or not words:
        return queryset.annotate(**{name: Value(0.0, output_field=FloatField())})
    value = _norm(Value(" ".join(words)))
    similarity = TrigramWordSimilarity if is_postgres(queryset) else _SqliteWordSimilarity
    scores = [similarity(value, _norm(F(f))) for f in fields]
    return queryset.annotate(**{name: Greatest(*scores) if len(scores) > 1 else scores[0]})


# --- one search across the records ----------------------------------------------------------
@dataclass
class SearchHit:
    kind: str
    obj: Model
    title: str
    subtitle: str
    url: str  # the record's portal path
    country: Model


@dataclass
class SearchGroup:
    kind: str
    label: str
    hits: list[SearchHit] = field(default_factory=list)
    has_more: bool = False


def _ranked(access, queryset: QuerySet, q: str, country_id: int | None, limit: int, order: str) -> list:
    queryset = access.scope(queryset)
    if country_id is not None:
        queryset = in_country(queryset, country_id)
    queryset = rank_text(filter_text(queryset, q), q)
    return list(queryset.order_by("-search_rank", order, "pk")[: limit + 1])


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def search_all(access, q: str, *, limit: int = 10, country_id: int | None = None) -> list[SearchGroup]:
    """Search influencers, challenges, events, partners and (with the government permission in
    that country) government contacts, within what ``access`` may read.

    Returns the non-empty groups in that order, each with at most ``limit`` hits, best first,
    and ``has_more`` when more matched. One query per group (two for influencers).
    """
    from challenges.models import Challenge
    from events.models import Event, Partner
    from influencers.models import Influencer, PlatformAccount
    from locales.models import GovernmentContact
    from opsportal.access import Perm
    from opsportal.feeds.links import portal_path

    q = q.replace("\x00", " ")  # PostgreSQL text cannot hold NUL; a pasted one is only noise
    if not query_words(q):
        return []
    groups: list[SearchGroup] = []

    def add(kind, label, rows, make):
        if rows:
            hits = [make(obj) for obj in rows[:limit]]
            groups.append(SearchGroup(kind, str(label), hits, has_more=len(rows) > limit))

    accounts = Prefetch("accounts", queryset=PlatformAccount.objects.only("id", "influencer_id", "platform", "handle"))
    influencers = Influencer.objects.select_related("country").prefetch_related(accounts)
    add(
        "influencer",
        _("Influencers"),
        _ranked(access, influencers, q, country_id, limit, "name"),
        lambda i: SearchHit(
            "influencer",
            i,
            str(i),
            " · ".join([i.country.name] + [f"@{a.handle}" for a in i.accounts.all()]),
            portal_path("influencer", i.pk),
            i.country,
        ),
    )
    add(
        "challenge",
        _("Challenges"),
        _ranked(access, Challenge.objects.select_related("country"), q, country_id, limit, "hashtag"),
        lambda c: SearchHit(
            "challenge",
            c,
            f"#{c.hashtag}",
            " · ".join(p for p in (c.title, c.get_status_display(), c.country.name) if p),
            portal_path("challenge", c.pk),
            c.country,
        ),
    )
    add(
        "event",
        _("Events"),
        _ranked(access, Event.objects.select_related("country"), q, country_id, limit, "-starts_at"),
        lambda e: SearchHit(
            "event",
            e,
            e.name,
            " · ".join(p for p in (_local(e.starts_at), e.city, e.country.name) if p),
            portal_path("event", e.pk),
            e.country,
        ),
    )
    add(
        "partner",
        _("Partners"),
        _ranked(access, Partner.objects.select_related("country"), q, country_id, limit, "name"),
        lambda p: SearchHit("partner", p, p.name, f"{p.get_kind_display()} · {p.country.name}", "", p.country),
    )
    # Government contacts: access.scope() keeps only countries where GOVERNMENT_VIEW holds;
    # without it anywhere the query is not even run.
    if access.can(Perm.GOVERNMENT_VIEW):
        add(
            "government_contact",
            _("Government contacts"),
            _ranked(access, GovernmentContact.objects.select_related("country"), q, country_id, limit, "person_name"),
            lambda g: SearchHit(
                "government_contact",
                g,
                f"{g.person_name} ({g.local_name})" if g.local_name else g.person_name,
                " · ".join(p for p in (g.title, g.organization, g.country.name) if p),
                portal_path("government_contact", g.pk),
                g.country,
            ),
        )
    return groups
