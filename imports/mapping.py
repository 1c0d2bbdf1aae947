"""Which file column feeds which field: guessed from the header, or remembered per person."""

from __future__ import annotations

import re
import unicodedata

from .kinds.base import ImportKind

IGNORE = ""


def normalize_header(header: str) -> str:
    """ "Followers (YouTube)" → "followers_youtube"; "E-mail" → "e_mail"; Thai/Japanese kept."""
    text = unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "").strip().lower()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c) or ord(c) > 0x0E00)
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[^\w]+", "_", text).strip("_")


def spellings(kind: ImportKind) -> dict[str, str]:
    """Every accepted spelling (normalised) → field."""
    known: dict[str, str] = {}
    for column in kind.columns:
        for spelling in (column.field, str(column.label), *column.aliases):
            known.setdefault(normalize_header(spelling), column.field)
    return known


def guess_mapping(kind: ImportKind, headers: list[str], remembered: dict | None = None) -> dict[str, str]:
    """header → field (or "" to ignore); each field is fed by one column at most.

    A person's remembered choice for the same header wins over the guess from the spellings.
    """
    known = spellings(kind)
    fields = {c.field for c in kind.columns}
    remembered = {normalize_header(k): v for k, v in (remembered or {}).items()}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        key = normalize_header(header)
        if key in remembered and (remembered[key] in fields or remembered[key] == IGNORE):
            choice = remembered[key]
        else:
            choice = known.get(key, IGNORE)
        if choice and choice in used:
            choice = IGNORE
        mapping[header] = choice
        if choice:
            used.add(choice)
    return mapping


def check_mapping(kind: ImportKind, mapping: dict[str, str]) -> tuple[list[str], list[str]]:
    """(fields mapped twice, required fields not mapped)."""
    chosen = [f for f in mapping.values() if f]
    twice = sorted({f for f in chosen if chosen.count(f) > 1})
    missing = [c.field for c in kind.columns if c.required and c.field not in chosen]
    return twice, missing
