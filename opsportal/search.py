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
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Model,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
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


_NORM_SQL = "opsportal_unaccent(LOWER({}))"  # _norm() as SQL text, the same the indexes are built on


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


def _run_patterns(runs: list[str]) -> list[str]:
    """``LIKE`` patterns finding each run anywhere."""
    return ["%" + re.sub(r"([\\%_])", r"\\\1", run) + "%" for run in runs]


class _ContainsAny(Func):
    """``norm(field) LIKE '%run%' OR …`` for every field and run (PostgreSQL), written as one SQL
    string: each run a Contains lookup made the ORM resolve dozens of expressions per search
    (25-40 ms of CPU a page)."""

    output_field = BooleanField()

    def __init__(self, fields: list[str], runs: list[str]):
        super().__init__(*[_norm(F(f)) for f in fields])
        self.patterns = _run_patterns(runs)

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
    within = within.order_by()
    if first is not None and postgres and not within.query.distinct and (match is not None or related):
        return Q(pk__in=_FirstMatches(model, words, within, first).union_of_arms(match, related))
    if not related:
        return match
    # The union removes the duplicates a to-many join would give. Each side is taken ``within``
    # the caller's rows (its scope, its country), not the whole table: a word in every name
    # otherwise made the API union a million ids before keeping one country's.
    arms = [within.filter(match)] if match is not None else []
    arms += [_through(within, f).filter(_related_match(f, words, postgres)) for f in related]
    arms = [arm.values("pk") for arm in arms]
    return Q(pk__in=arms[0].union(*arms[1:]) if len(arms) > 1 else arms[0])


# A keyset page looks for the matches of the row's own fields among this many rows in page order
# before asking the indexes (see ``_FirstMatches``): a row that does not match costs some 25 µs
# of functions (unaccent, similarity, to_tsvector), so this bounds a rare word's walk to ~25 ms,
# while a word in one row of 20 still fills a page of 50 from it.
FIRST_ROWS_WINDOW = 1000
# The search page's window for one- and two-letter words (``_CandidatesSql._first_matches``): as
# many rows as the candidates it takes (search.services.CANDIDATES), so a letter starting every
# name fills them from it, and a letter starting none costs the fewest rows before the indexes.
SHORT_WORD_WINDOW = 200


class _FirstMatches:
    """The ids a keyset page of matches is taken from (PostgreSQL), as SQL text over the ORM's.

    The page's rows are among the first of each side in the page's order after the cursor, so
    each side stops there. The row's own fields: PostgreSQL chose between walking the page order
    and filtering each row (right when most rows match: "creator", 51 rows read) and fetching
    every match through the trigram and full-text indexes then sorting them (right when few do),
    by its estimate of how many match, which for a word matching nothing is some 2% of the rows:
    it walked all 200,000 of a country's rows for a typo (1.7 s). Both are now spelled out and
    bounded: the matches among the first ``FIRST_ROWS_WINDOW`` rows in page order, and only when
    fewer than a page matched there, all matches through the indexes (an ``OFFSET 0`` subquery,
    which PostgreSQL plans for every row, not in page order), sorted and cut. Either way they
    hold the first ``rows`` matches, so the page is the same. A side across a relation (a
    creator's handles) is a semi-join driven by the related table's index, cut as before.
    """

    def __init__(self, model: type[Model], words: list[str], within: QuerySet, first):
        self.model, self.words = model, words
        self.order, after, self.rows = first
        self.page = within.filter(after) if after is not None else within
        self.qn = connections[within.db].ops.quote_name

    def union_of_arms(self, match: Q | None, related: list[str]) -> RawSQL:
        ctes, arms = [], []
        if match is not None:
            near, near_params = self._near(match)
            ctes.append((f"search_near AS MATERIALIZED ({near})", near_params))
            arms.append(("SELECT search_near.search_pk FROM search_near", []))
            arms.append(self._far(match))
        for f in related:
            side = _through(self.page, f).filter(_related_match(f, self.words, True))
            if _is_multi_valued(self.model, f):
                side = self.page.filter(pk__in=side.values("pk"))
            arms.append(self._sql(side.values("pk").order_by(*self.order)[: self.rows]))
        sql = " UNION ".join(f"({s})" for s, _ in arms)
        params = [p for _, ps in ctes for p in ps] + [p for _, ps in arms for p in ps]
        if ctes:
            sql = "WITH " + ", ".join(c for c, _ in ctes) + " " + sql
        return RawSQL(sql, params)

    def _sql(self, queryset: QuerySet) -> tuple[str, list]:
        sql, params = queryset.query.sql_with_params()
        return sql, list(params)

    def _keyed(self, queryset: QuerySet, **extra) -> QuerySet:
        """The rows' ids and page-order values, named so the SQL around can sort by them."""
        keys = {f"search_k{i}": term.expression for i, term in enumerate(self.order)}
        return queryset.values(search_pk=F("pk"), **extra, **keys)

    def _order_by(self, alias: str) -> str:
        terms = []
        for i, term in enumerate(self.order):
            nulls = " NULLS LAST" if term.nulls_last else " NULLS FIRST" if term.nulls_first else ""
            terms.append(f"{alias}.{self.qn(f'search_k{i}')} {'DESC' if term.descending else 'ASC'}{nulls}")
        return ", ".join(terms)

    def _near(self, match: Q) -> tuple[str, list]:
        """The first ``rows`` matches among the first rows in page order (PostgreSQL computes the
        match after the cut: an expensive output column is evaluated above a Sort or Limit)."""
        hit = ExpressionWrapper(match, output_field=BooleanField())
        window = self._keyed(self.page, search_hit=hit).order_by(*self.order)[:FIRST_ROWS_WINDOW]
        sql, params = self._sql(window)
        return (
            f"SELECT w.search_pk FROM ({sql}) w WHERE w.search_hit ORDER BY {self._order_by('w')} LIMIT {self.rows}",
            params,
        )

    def _far(self, match: Q) -> tuple[str, list]:
        """Every match through the indexes, sorted and cut; run only when the window fell short."""
        sql, params = self._sql(self._keyed(self.page.filter(match)).order_by())
        return (
            f"SELECT f.search_pk FROM ({sql} OFFSET 0) f WHERE (SELECT COUNT(*) FROM search_near) < {self.rows} "
            f"ORDER BY {self._order_by('f')} LIMIT {self.rows}",
            params,
        )


def _through(base: QuerySet, path: str) -> QuerySet:
    """Rows that have the relation a path starts with, said outright when it may be empty: with
    no shared relationship in a country, its profile's handles are then never read (75 ms at
    1,000,000 influencers for a handle matching 11,000 accounts)."""
    first = base.model._meta.get_field(path.split("__")[0])
    return base.filter(**{f"{first.name}__isnull": False}) if first.many_to_one and first.null else base


def candidates(queryset: QuerySet, q: str, per_arm: int) -> QuerySet | RawSQL:
    """Primary keys of rows of ``queryset`` (already scoped) matching ``q``, for ranking: at most
    ``per_arm`` from the row's own fields and as many from each relation's side. A subquery for
    ``filter(pk__in=...)``.

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
    return _CandidatesSql(queryset).union_of_arms(fields, words, per_arm) or base.none()


class _CandidatesSql:
    """``candidates`` on PostgreSQL, written as SQL text.

    The same sides and the same SQL as the ORM would give for them (the expressions the trigram
    and full-text indexes are built on), but built as strings: resolving and compiling the ORM's
    expressions for eight groups' UNIONs of four to six sides took 30-50 ms of CPU per search,
    more than the database's time for most words. The scope is the queryset's own WHERE clause,
    compiled once and repeated on each side (before its cut)."""

    def __init__(self, queryset: QuerySet):
        self.model = queryset.model
        self.connection = connections[queryset.db]
        self.qn = self.connection.ops.quote_name
        self.table = self.qn(self.model._meta.db_table)
        self.pk = self._col(self.table, self.model._meta.pk.column)
        self.joins = 0
        query = queryset.query
        if any(query.alias_refcount[alias] for alias in query.alias_map if alias != self.model._meta.db_table):
            # A scope reached through a join (none of the searched models has one today): kept
            # as a semi-join on the queryset's own ids rather than rebuilding its joins here.
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
            self.scope = (f"{self.pk} IN ({sql})", list(params))
            return
        try:
            sql, params = query.get_compiler(queryset.db).compile(query.where)
        except EmptyResultSet:
            sql, params = None, []  # the scope holds no country: no side can match
        except FullResultSet:
            sql, params = "", []
        self.scope = (sql, list(params))

    def union_of_arms(self, fields: tuple[str, ...], words: list[str], per_arm: int) -> RawSQL | None:
        """The UNION of each side's first ``per_arm`` ids (see ``candidates``); None when none can match."""
        if self.scope[0] is None:
            return None
        direct, related = _split(fields)
        if all(len(w) < SUBSTRING_MIN_LENGTH for w in words):
            # One or two letters find names, titles and hashtags starting with them, not handles or
            # URLs across a relation: pg_trgm splits "example.com" into words, so "c" would have the
            # index return every link and PostgreSQL reject each (60 ms for 15,000 takedown links).
            related = []
        phrase = " ".join(words)
        columns = [self._col(self.table, self.model._meta.get_field(f).column) for f in direct]
        arms = []
        match = self._direct(columns, words)
        if match:
            short = all(len(w) < SUBSTRING_MIN_LENGTH for w in words)
            arms.append(self._first_matches(match, per_arm) if short else self._arm("", [match], per_arm))
        for path in related:
            joins, column, not_null = self._through(path)
            arms.append(self._arm(joins, [*not_null, self._substring_all([column], words)], per_arm))
        if columns and len(phrase) >= TYPO_MIN_LENGTH:
            # Typos in the row's own fields (a handle or a creator's name across a relation is found
            # by its part, not by a typo: each would be two more joins for every search): the first
            # rows sharing a run of letters, then those similar enough, so the similarity is computed
            # for at most per_arm rows whatever the word.
            runs = _runs(phrase)
            if runs:
                sharing = self._arm("", [self._shares_a_run(columns, runs)], per_arm)
                within = (f"{self.pk} IN {sharing[0]}", sharing[1])
                arms.append(self._arm("", [within, self._similar(columns, phrase)], per_arm))
        if not arms:
            return None
        return RawSQL(" UNION ".join(sql for sql, _ in arms), [p for _, params in arms for p in params])

    # --- pieces of SQL, each (text, params) ---------------------------------------------------
    def _col(self, alias: str, column: str) -> str:
        return f"{alias}.{self.qn(column)}"

    def _where(self, conditions: list[tuple[str, list]]) -> tuple[str, list]:
        """``WHERE`` the scope and every condition hold (nothing when there is none)."""
        scope, params = self.scope
        where = [f"({scope})"] if scope else []
        for sql, sql_params in conditions:
            where.append(f"({sql})")
            params = params + sql_params
        return (f" WHERE {' AND '.join(where)}" if where else ""), params

    def _arm(self, joins: str, conditions: list[tuple[str, list]], per_arm: int) -> tuple[str, list]:
        where, params = self._where(conditions)
        return f"(SELECT {self.pk} FROM {self.table}{joins}{where} LIMIT {per_arm})", params

    def _first_matches(self, match: tuple[str, list], per_arm: int) -> tuple[str, list]:
        """The row's own fields' side for one- and two-letter words, bounded whichever way they fall.

        As one ``LIMIT`` PostgreSQL walks the country's rows until enough match, which is right
        for a letter starting most names ("c": 200 rows read) but reads every row of the country
        when its guess is wrong, and for a single letter it guesses from the whole table: "c"
        starts most challenge titles of other countries and none of Indonesia's, and the walk
        evaluated the match on all its 20,000 (235 ms at 10x on a slow machine). So the matches
        among the first ``SHORT_WORD_WINDOW`` rows come first; only when they are too few is the
        match asked of the indexes, planned for every row (a MATERIALIZED CTE: the trigram and
        full-text indexes ANDed with the country's) and still read lazily. Longer words keep the
        single ``LIMIT``: their trigrams give PostgreSQL good guesses, and the window would cost
        them its walk (some 4 ms a record type).
        """
        sql, params = match
        scope, scope_params = self._where([])
        matched, matched_params = self._where([match])
        return (
            f"(WITH search_near AS MATERIALIZED (SELECT w.search_pk FROM (SELECT {self.pk} AS search_pk, ({sql}) "
            f"AS search_hit FROM {self.table}{scope} LIMIT {SHORT_WORD_WINDOW}) w "
            f"WHERE w.search_hit LIMIT {per_arm}), "
            f"search_far AS MATERIALIZED (SELECT {self.pk} AS search_pk FROM {self.table}{matched}) "
            "SELECT search_pk FROM search_near UNION ALL (SELECT search_pk FROM search_far "
            f"WHERE (SELECT COUNT(*) FROM search_near) < {per_arm} LIMIT {per_arm}))",
            [*params, *scope_params, *matched_params],
        )

    def _through(self, path: str) -> tuple[str, str, list[tuple[str, list]]]:
        """The joins to a related field (as the ORM makes them), its column, and, for a nullable
        foreign key, ``IS NOT NULL`` said outright (see ``_through``)."""
        parts = path.split("__")
        opts, alias, joins = self.model._meta, self.table, []
        first = opts.get_field(parts[0])
        not_null = (
            [(f"{self._col(self.table, first.column)} IS NOT NULL", [])] if first.many_to_one and first.null else []
        )
        for part in parts[:-1]:
            field = opts.get_field(part)
            for info in field.path_infos:
                self.joins += 1
                joined = self.qn(f"search_j{self.joins}")
                on = " AND ".join(
                    f"{self._col(alias, lhs.column)} = {self._col(joined, rhs.column)}"
                    for lhs, rhs in info.join_field.get_joining_fields()
                )
                joins.append(f" INNER JOIN {self.qn(info.to_opts.db_table)} {joined} ON ({on})")
                alias, opts = joined, info.to_opts
        return "".join(joins), self._col(alias, opts.get_field(parts[-1]).column), not_null

    def _pattern(self, lookup: str, column: str, value_sql: str) -> str:
        """``norm(column) LIKE <pattern>`` as Django writes a Contains/StartsWith on an expression."""
        escaped = self.connection.pattern_esc.format(f"({value_sql})")
        return f"{_NORM_SQL.format(column)}::text {self.connection.pattern_ops[lookup].format(escaped)}"

    def _contains(self, column: str, word: str) -> tuple[str, list]:
        value = _NORM_SQL.format("%s")
        if len(word) >= SUBSTRING_MIN_LENGTH:
            return self._pattern("contains", column, value), [word]
        starts, inside = self._pattern("startswith", column, value), self._pattern("contains", column, value)
        return f"{starts} OR {inside}", [word, " " + word]

    def _substring_all(self, columns: list[str], words: list[str]) -> tuple[str, list]:
        """Every word appears in one of the columns (a short one at a word's start)."""
        per_word = [[self._contains(c, w) for c in columns] for w in words]
        sql = " AND ".join("(" + " OR ".join(f"({s})" for s, _ in ors) + ")" for ors in per_word)
        return sql, [p for ors in per_word for _, params in ors for p in params]

    def _direct(self, columns: list[str], words: list[str]) -> tuple[str, list] | None:
        """The row's own fields: substrings, or word prefixes of the full-text document."""
        conditions = [self._substring_all(columns, words)] if columns else []
        document = DOCUMENTS.get(self.model._meta.label_lower)
        tsquery = _prefix_tsquery(words)
        if document and tsquery:
            text = " || ' ' || ".join(self._col(self.table, self.model._meta.get_field(f).column) for f in document)
            conditions.append(
                (
                    f"to_tsvector('simple'::regconfig, opsportal_unaccent(lower({text}))) @@ "
                    "to_tsquery('simple'::regconfig, opsportal_unaccent(lower(%s)))",
                    [tsquery],
                )
            )
        if not conditions:
            return None
        return " OR ".join(f"({sql})" for sql, _ in conditions), [p for _, params in conditions for p in params]

    def _shares_a_run(self, columns: list[str], runs: list[str]) -> tuple[str, list]:
        patterns = _run_patterns(runs)
        parts = [f"{_NORM_SQL.format(c)}::text LIKE opsportal_unaccent(lower(%s))" for c in columns for _ in patterns]
        return " OR ".join(parts), [p for _ in columns for p in patterns]

    def _similar(self, columns: list[str], phrase: str) -> tuple[str, list]:
        value = _NORM_SQL.format("%s")
        parts, params = [], []
        for c in columns:
            parts.append(f"SIMILARITY({_NORM_SQL.format(c)}, {value}) >= %s")
            parts.append(f"WORD_SIMILARITY({value}, {_NORM_SQL.format(c)}) >= %s")
            params += [phrase, SIMILARITY_THRESHOLD, phrase, WORD_SIMILARITY_THRESHOLD]
        return " OR ".join(parts), params


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


class _Rank(Func):
    """``GREATEST(word_similarity(norm(phrase), norm(field)), …)`` written as one expression over
    the fields' columns: as nested ORM functions its resolving, hashing and compiling (once per
    group, eight groups a search) cost several ms of CPU per search for one line of SQL."""

    output_field = FloatField()

    def __init__(self, phrase: str, fields: list[str]):
        super().__init__(*[F(f) for f in fields])
        self.phrase = phrase

    def as_sql(self, compiler, connection, **extra):
        postgres = connection.vendor == "postgresql"
        similarity = "WORD_SIMILARITY" if postgres else _SqliteWordSimilarity.function
        scores, params = [], []
        for expression in self.get_source_expressions():
            sql, sql_params = compiler.compile(expression)
            scores.append(f"{similarity}({_NORM_SQL.format('%s')}, {_NORM_SQL.format(sql)})")
            params += [self.phrase, *sql_params]
        if len(scores) == 1:
            return scores[0], params
        return f"{'GREATEST' if postgres else 'MAX'}({', '.join(scores)})", params


def rank_text(queryset: QuerySet, q: str, *, name: str = "search_rank") -> QuerySet:
    """Annotate how well each row matches (0..1, higher first)."""
    model = queryset.model
    fields = [f for f in SEARCH_FIELDS.get(model._meta.label_lower, ()) if not _is_multi_valued(model, f)]
    words = query_words(q)
    if not fields or not words:
        return queryset.annotate(**{name: Value(0.0, output_field=FloatField())})
    return queryset.annotate(**{name: _Rank(" ".join(words), fields)})


# --- one search across the records ----------------------------------------------------------
