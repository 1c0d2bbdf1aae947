"""Country filtering is written in one place: opsportal/access.py.

Everywhere else a query keeps to countries through the scope (the managers) or narrows with
``access.in_country`` / ``Access.scope``. This test reads the product's code and fails on a
lookup that names a country path (``country=``, ``event__country_id__in=``, ``Q(country…)``)
in a query call outside the access module.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every app of the product (a folder with an apps.py, opsportal included) and the benchmarks.
PRODUCT = sorted({path.parent.name for path in ROOT.glob("*/apps.py")} | {"benchmarks"})
# The access rules: permissions and country paths, the scope, who may hold or point at a record.
ACCESS_MODULES = {ROOT / "opsportal" / name for name in ("access.py", "scope.py", "references.py")}
QUERY_CALLS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "Q"}
COUNTRY_LOOKUP = re.compile(r"^(\w+__)?country(_id)?(__(in|pk|id|isnull|code|exact))?$|(^|__)country(_id)?(__|$)")

# Lookups that name a country but are not a country filter on a scoped record.
NOT_A_SCOPE_FILTER = {
    # Calendar feed tokens are a person's own credentials, looked up by (user, country).
    ("feeds/services.py", "country"),
    ("feeds/views.py", "country"),
    # The weekly report's natural key is (country, week); HQ's is the row without a country.
    ("reports/services.py", "country"),
    ("reports/services.py", "country__isnull"),
    ("reports/services.py", "country_id__in"),
    ("reports/hq.py", "country__isnull"),
    # A history table's own column (reports read a country's past moves).
    ("reports/figures.py", "country_id"),
    # Constraints, not queries: one HQ report per week, one personal feed per person.
    ("reports/models.py", "country__isnull"),
    ("feeds/models.py", "country__isnull"),
    # Metric ingestion finds challenges by their natural key (country code, hashtag).
    ("challenges/metrics.py", "country__code__in"),
    # Goals' figures per country: each subquery is tied to its outer country row
    # (``country_id=OuterRef("pk")``), a correlation of rows the scope already restricts.
    ("goals/selectors.py", "country_id"),
    # The portal and search benchmarks seat their leads on a team.
    ("benchmarks/management/commands/bench_portal.py", "country"),
    ("benchmarks/management/commands/bench_search.py", "country"),
    # The roll-up is a system task over every country: it groups snapshots by their country's
    # timezone (local days), it reads no one's records for anyone.
    ("challenges/retention.py", "challenge__country__timezone"),
    # Imports match a row to an existing record by its natural key, country included, in one
    # query per batch (the batch's countries were checked against the importer's rights).
    ("imports/kinds/challenges.py", "country"),
    ("imports/kinds/challenges.py", "country_id__in"),
    ("imports/kinds/events.py", "country"),
    ("imports/kinds/government.py", "country"),
    ("imports/kinds/influencer_batch.py", "country_id"),
}


def _product_files():
    for top in PRODUCT:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" in path.parts or path in ACCESS_MODULES:
                continue
            yield path


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node.func, ast.Name):
        return node.func.id
    return None


def _lookups(node: ast.Call):
    for keyword in node.keywords:
        if keyword.arg is not None:
            yield keyword.arg
        elif isinstance(keyword.value, ast.Dict):  # **{"country__in": ids}, **{f"{path}__in": ...}
            for key in keyword.value.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    yield key.value
                elif isinstance(key, ast.JoinedStr):
                    yield "".join(v.value for v in key.values if isinstance(v, ast.Constant)) or "<f-string path>"


def country_filters() -> list[str]:
    found = []
    for path in _product_files():
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _call_name(node) not in QUERY_CALLS:
                continue
            for lookup in _lookups(node):
                named = lookup == "<f-string path>" or COUNTRY_LOOKUP.search(lookup)
                if named and (rel, lookup) not in NOT_A_SCOPE_FILTER:
                    found.append(f"{rel}:{node.lineno} {_call_name(node)}({lookup}=…)")
    return found


def test_no_country_filter_outside_the_access_module():
    found = country_filters()
    assert not found, "country filters written outside opsportal/access.py:\n" + "\n".join(found)


def test_the_exceptions_are_still_there():
    """An exception that no longer matches anything is removed from the list, not kept as a hole."""
    used = set()
    for path in _product_files():
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) in QUERY_CALLS:
                used.update((rel, lookup) for lookup in _lookups(node))
    assert used >= NOT_A_SCOPE_FILTER, sorted(NOT_A_SCOPE_FILTER - used)
