"""Typo- and accent-tolerant matching on SQLite, the embedded default.

PostgreSQL has ``unaccent`` and ``pg_trgm``; SQLite has neither, so the same ideas are registered
as SQL functions on each new SQLite connection (Python, deterministic). They read every row (no
index), which is fine at the embedded default's size; production runs on PostgreSQL.

- ``opsportal_unaccent(text)``: case-folded, accents removed from Latin, Greek and Cyrillic letters
  (Thai tone marks and Japanese voicing marks are letters' own, and stay).
- ``opsportal_similarity(a, b)``: pg_trgm's ``similarity``: shared trigrams over all trigrams.
- ``opsportal_word_similarity(a, b)``: pg_trgm's ``word_similarity``: the best such ratio between
  ``a`` and any continuous run of ``b``'s trigrams, so a typo in one word of a name still scores.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"\w+")
_LAST_ACCENTED_BLOCK = 0x052F  # Latin, Greek and Cyrillic end here


def unaccent(text: str | None) -> str | None:
    if text is None:
        return None
    out: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFKD", str(text)):
        if unicodedata.combining(char):
            if base and ord(base) <= _LAST_ACCENTED_BLOCK:
                continue  # an accent on a Latin/Greek/Cyrillic letter: dropped, as unaccent does
        else:
            base = char
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out)).casefold()


@lru_cache(maxsize=4096)
def _trigrams(text: str) -> tuple[str, ...]:
    """pg_trgm's trigrams in order: each word padded with two spaces before and one after."""
    grams: list[str] = []
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return tuple(grams)


def similarity(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    first, second = set(_trigrams(a)), set(_trigrams(b))
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def word_similarity(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    wanted = set(_trigrams(a))
    ordered = _trigrams(b)
    if not wanted or not ordered:
        return 0.0
    best = 0.0
    # The best run starts and ends on a shared trigram: only those starts are tried.
    for start, gram in enumerate(ordered):
        if gram not in wanted:
            continue
        run: set[str] = set()
        common = 0
        for current in ordered[start:]:
            if current not in run:
                run.add(current)
                if current in wanted:
                    common += 1
            if current in wanted:
                best = max(best, common / (len(wanted) + len(run) - common))
        if best == 1.0:
            break
    return best


def register(connection) -> None:
    """Add the functions to a new SQLite connection (a ``connection_created`` receiver calls it)."""
    raw = connection.connection
    raw.create_function("opsportal_unaccent", 1, unaccent, deterministic=True)
    raw.create_function("opsportal_similarity", 2, similarity, deterministic=True)
    raw.create_function("opsportal_word_similarity", 2, word_similarity, deterministic=True)
