"""Text search used by the portal's search box and the API's ``q`` filter.

On PostgreSQL a record matches when, ignoring case and accents:
- every word of the query appears in one of its fields (substring, so a partial name, a Thai or
  Japanese name without spaces, a handle all work; a word of one or two letters must start a
  word of the field, as a trigram index cannot find it inside one), or
- the whole query is close to a field by trigram similarity (a hashtag with a typo), or
- its full-text document matches every word as a prefix.
Each condition is served by a GIN index made in ``search/migrations/0001_indexes.py``
(expressions here must stay identical to the ones indexed there).
On SQLite (the embedded default) the first two hold too, through SQL functions registered on each
connection (``opsportal/search_sqlite.py``); word prefixes are already substrings there.
"""

from __future__ import annotations

import re
import unicodedata
from functools import reduce
from operator import and_, or_
from urllib.parse import urlsplit

from django.contrib.postgres.search import (
    SearchQueryField,
    SearchVectorField,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import BooleanField, F, FloatField, Func, Model, Q, QuerySet, TextField, Value
from django.db.models.functions import Greatest, Lower
from django.db.models.lookups import Contains, GreaterThanOrEqual, StartsWith

from opsportal import search_sqlite

SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    # A shared relationship keeps no accounts: its creator's handles are its profile's.
    "influencers.influencer": ("name", "local_name", "accounts__handle", "profile__accounts__handle"),
    "influencers.platformaccount": ("handle", "influencer__name", "influencer__local_name"),
    "challenges.challenge": ("hashtag", "title"),
    "events.event": ("name", "city", "venue"),
    "events.partner": ("name",),
    "locales.governmentcontact": ("person_name", "local_name", "organization"),
    "locales.regulatoryincident": ("title",),
    "locales.regulatorrequest": ("authority", "reference", "items__target"),
    "locales.culturalmoment": ("name", "local_name"),
    "opsportal.country": ("name", "code"),
    # Finance records: found by their creator, title and hashtags (finance viewers only: the scope).
    "agreements.agreement": (
        "title",
        "influencer__name",
        "influencer__local_name",
        "challenge__hashtag",
        "deliverables__hashtag",
    ),
    # A budget line by what it pays for (finance viewers only: the scope); not by its event's
    # name, which would list every line of the event beside the event itself.
    "budgets.budgetline": ("description",),
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
# Shorter words have no trigram of their own: "%a%" would read every row, "a%" and "% a%" use the
# index (and a person typing one letter means a name starting with it, not any name holding it).
SUBSTRING_MIN_LENGTH = 3
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


def _contains(field: str, word: str) -> Q:
    value = _norm(Value(word))
    if len(word) >= SUBSTRING_MIN_LENGTH:
        return Q(Contains(_norm(F(field)), value))
    return Q(StartsWith(_norm(F(field)), value)) | Q(Contains(_norm(F(field)), _norm(Value(" " + word))))


def _substring_all(fields: list[str], words: list[str]) -> Q:
    """Every word appears in one of the fields (a short one at a word's start)."""
    per_word = [reduce(or_, (_contains(f, w) for f in fields)) for w in words]
    return reduce(and_, per_word)


class _SqliteSimilarity(Func):
    function = "opsportal_similarity"
    output_field = FloatField()


class _SqliteWordSimilarity(Func):
    function = "opsportal_word_similarity"
    output_field = FloatField()


# pg_trgm's defaults for its % and <% operators, which the SQLite functions mirror.
SIMILARITY_THRESHOLD = 0.3
# A typo is looked for among rows sharing a run of this many letters with the query (one edit
# leaves most runs whole): pg_trgm's % and %> on a GIN index only count shared trigrams, so a
# word sharing "cr", "tor" with every name ("craetor") made the index return every row and
# PostgreSQL compare each (0.6 s at 100,000 names). A run is an exact, selective substring.
TYPO_RUN = 4
TYPO_RUNS = 12


def _segments(phrase: str) -> list[str]:
    """The phrase cut where pg_trgm cuts words (anything but letters, their marks and digits): a
    run across "_" or "." would have the index return every row holding its halves as words."""
    keep = "".join(c if c.isalnum() or unicodedata.category(c)[0] == "M" else " " for c in phrase)
    return keep.split()


def _runs(phrase: str) -> list[str]:
    """Overlapping runs of a short word; of a long one, runs side by side (one edit breaks one)."""
    runs = set()
    for word in _segments(phrase):
        size = TYPO_RUN if len(word) > 5 else TYPO_RUN - 1
        step = 1 if len(word) <= 3 * TYPO_RUN else size
        runs |= {word[i : i + size] for i in range(0, len(word) - size + 1, step)}
    return sorted(runs)[:TYPO_RUNS]


class _ContainsAny(Func):
    """``norm(field) LIKE '%run%' OR …`` for every field and run (PostgreSQL), written as one SQL
    string: each run a Contains lookup made the ORM resolve dozens of expressions per search
    (25-40 ms of CPU a page)."""

    output_field = BooleanField()

    def __init__(self, fields: list[str], runs: list[str]):
        super().__init__(*[_norm(F(f)) for f in fields])
        self.patterns = ["%" + re.sub(r"([\\%_])", r"\\\1", run) + "%" for run in runs]

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, sql_params = compiler.compile(expression)
            for pattern in self.patterns:
                parts.append(f"{sql}::text LIKE opsportal_unaccent(lower(%s))")
                params += [*sql_params, pattern]
        return "(" + " OR ".join(parts) + ")", params


def _shares_a_run(fields: list[str], phrase: str) -> Q:
    runs = _runs(phrase)
    return Q(_ContainsAny(fields, runs)) if runs else Q(pk__in=[])


def _similar(fields: list[str], phrase: str, postgres: bool) -> Q:
    """Close to the phrase by trigram similarity (functions, not operators: never an index scan)."""
    value = _norm(Value(phrase))
    similarity = TrigramSimilarity if postgres else _SqliteSimilarity
    word_similarity = TrigramWordSimilarity if postgres else _SqliteWordSimilarity
    conditions = []
    for f in fields:
        conditions.append(Q(GreaterThanOrEqual(similarity(_norm(F(f)), value), SIMILARITY_THRESHOLD)))
        conditions.append(Q(GreaterThanOrEqual(word_similarity(value, _norm(F(f))), WORD_SIMILARITY_THRESHOLD)))
    return reduce(or_, conditions)


def _typo(fields: list[str], phrase: str, postgres: bool) -> Q:
    if len(phrase) < TYPO_MIN_LENGTH:
        return Q(pk__in=[])
    if postgres:
        return _shares_a_run(fields, phrase) & _similar(fields, phrase, postgres)
    return _similar(fields, phrase, postgres)


def _direct_match(
    model: type[Model], direct: list[str], words: list[str], postgres: bool, *, typo: bool = True
) -> Q | None:
    """The row's own fields: substrings, a typo, word prefixes of the full-text document."""
    conditions: list[Q] = []
    if direct:
        conditions.append(_substring_all(direct, words))
        if typo:
            conditions.append(_typo(direct, " ".join(words), postgres))
    document = DOCUMENTS.get(model._meta.label_lower)
    tsquery = _prefix_tsquery(words)
    if postgres and document and tsquery:  # on SQLite a word prefix is already a substring
        conditions.append(Q(_Matches(_Document(*[F(c) for c in document]), _PrefixQuery(Value(tsquery)))))
    return reduce(or_, conditions) if conditions else None


def _related_match(field: str, words: list[str], postgres: bool) -> Q:
    return _substring_all([field], words) | _typo([field], " ".join(words), postgres)


def _split(fields: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The row's own fields, and those across a relation (an agreement's influencer's name, an
    influencer's handles): each of those is matched on its own side of a UNION of ids, since ORed
    into the row filter it would join and scan the related table whole."""
    direct = [f for f in fields if "__" not in f]
    return direct, [f for f in fields if f not in direct]


def _match(
    model: type[Model], fields: tuple[str, ...], words: list[str], postgres: bool, within: QuerySet, first=None
) -> Q:
    direct, related = _split(fields)
    match = _direct_match(model, direct, words, postgres)
    if not related:
        return match
    # The union removes the duplicates a to-many join would give. Each side is taken ``within``
    # the caller's rows (its scope, its country), not the whole table: a word in every name
    # otherwise made the API union a million ids before keeping one country's.
    within = within.order_by()
    if first is None or not postgres or within.query.distinct:  # SQLite cuts no side of a UNION
        arms = [within.filter(match)] if match is not None else []
        arms += [_through(within, f).filter(_related_match(f, words, postgres)) for f in related]
        arms = [arm.values("pk") for arm in arms]
    else:
        # A keyset page: its rows are among the first of each side in the page's order, so each
        # side stops there (a word in every name reads a page of rows, not the country's). A side
        # across a to-many relation is a semi-join, so a creator with three matching handles is
        # one row of its cut, not three.
        order, after, rows = first
        page = within.filter(after) if after is not None else within
        arms = [page.filter(match)] if match is not None else []
        for f in related:
            side = _through(page, f).filter(_related_match(f, words, postgres))
            if _is_multi_valued(model, f):
                side = page.filter(pk__in=side.values("pk"))
            arms.append(side)
        arms = [arm.values("pk").order_by(*order)[:rows] for arm in arms]
    return Q(pk__in=arms[0].union(*arms[1:]) if len(arms) > 1 else arms[0])


def _through(base: QuerySet, path: str) -> QuerySet:
    """Rows that have the relation a path starts with, said outright when it may be empty: with
    no shared relationship in a country, its profile's handles are then never read (75 ms at
    1,000,000 influencers for a handle matching 11,000 accounts)."""
    first = base.model._meta.get_field(path.split("__")[0])
    return base.filter(**{f"{first.name}__isnull": False}) if first.many_to_one and first.null else base


def candidates(queryset: QuerySet, q: str, per_arm: int) -> QuerySet:
    """Primary keys of rows of ``queryset`` (already scoped) matching ``q``, for ranking: at most
    ``per_arm`` from the row's own fields and as many from each relation's side.

    The cut is inside each side of the UNION (PostgreSQL), so a word in every row reads a few
    hundred rows instead of the table, and the country's scope is applied on each side before
    the cut. Which rows of a very common word are kept is the database's choice: they all rank
    alike, and the page says more matched. On SQLite (unindexed, small) only the whole is cut.
    """
    model = queryset.model
    fields = SEARCH_FIELDS.get(model._meta.label_lower, ())
    words = query_words(q)
    base = queryset.order_by().values("pk")
    postgres = is_postgres(queryset)
    if not fields or not words:
        return base.none()
    if not postgres:
        return base.filter(_match(model, fields, words, postgres, queryset))[:per_arm]
    direct, related = _split(fields)
    if all(len(w) < SUBSTRING_MIN_LENGTH for w in words):
        # One or two letters find names, titles and hashtags starting with them, not handles or
        # URLs across a relation: pg_trgm splits "example.com" into words, so "c" would have the
        # index return every link and PostgreSQL reject each (60 ms for 15,000 takedown links).
        related = []
    phrase = " ".join(words)
    match = _direct_match(model, direct, words, postgres, typo=False)
    arms = [base.filter(match)[:per_arm]] if match is not None else []
    arms += [_through(base, f).filter(_substring_all([f], words))[:per_arm] for f in related]
    if direct and len(phrase) >= TYPO_MIN_LENGTH:
        # Typos in the row's own fields (a handle or a creator's name across a relation is found
        # by its part, not by a typo: each would be two more joins for every search): the first
        # rows sharing a run of letters, then those similar enough, so the similarity is computed
        # for at most per_arm rows whatever the word.
        sharing = base.filter(_shares_a_run(direct, phrase))[:per_arm]
        arms.append(base.filter(pk__in=sharing).filter(_similar(direct, phrase, postgres))[:per_arm])
    if not arms:
        return base.none()
    return arms[0].union(*arms[1:]) if len(arms) > 1 else arms[0]


def filter_text(queryset: QuerySet, q: str, *, first: tuple[list, Q | None, int] | None = None) -> QuerySet:
    """Rows matching ``q`` (see the module docstring); the queryset unchanged without words.

    ``first`` (order, rows after a cursor or None, how many) promises that only the first rows
    in that order after the cursor will be read: each side of the match is then cut to them.
    ``queryset`` must then be filtered by everything else already, or rows would be missed.
    """
    model = queryset.model
    fields = SEARCH_FIELDS.get(model._meta.label_lower)
    words = query_words(q)
    if not fields or not words:
        return queryset
    return queryset.filter(_match(model, fields, words, is_postgres(queryset), queryset, first))


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
