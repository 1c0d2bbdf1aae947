"""Text search used by the portal's search box and the API's ``q`` filter.

On PostgreSQL a record matches when, ignoring case and accents:
- every word of the query appears in one of its fields (substring, so a partial name, a Thai or
  Japanese name without spaces, a handle all work), or
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

from django.contrib.postgres.lookups import TrigramSimilar, TrigramWordSimilar
from django.contrib.postgres.search import SearchQueryField, SearchVectorField, TrigramWordSimilarity
from django.db import connections
from django.db.models import BooleanField, F, FloatField, Func, Model, Q, QuerySet, TextField, Value
from django.db.models.functions import Greatest, Lower
from django.db.models.lookups import Contains, GreaterThanOrEqual

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
    # A field of the row itself is matched in the row filter; one across a relation (an
    # agreement's influencer's name, an influencer's handles) on its own side of a UNION of ids:
    # ORed into the row filter, it would join and scan the related table whole.
    direct = [f for f in fields if "__" not in f]
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
    # Matches through a relation: the ids from each side are UNIONed, each side using its own
    # indexes; the union removes the duplicates a to-many join would give.
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
