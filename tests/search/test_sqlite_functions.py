"""The SQLite stand-ins for unaccent and pg_trgm give PostgreSQL's figures (checked by hand in psql)."""

import pytest

from opsportal.search_sqlite import similarity, unaccent, word_similarity


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("kaykia", "kaykai salaider", 0.5714286),  # word_similarity('kaykia','kaykai salaider')
        ("songkarn", "songkran2026", 0.5555556),
        ("word", "two words", 0.8),
        ("", "anything", 0.0),
    ],
)
def test_word_similarity_matches_pg_trgm(a, b, expected):
    assert word_similarity(a, b) == pytest.approx(expected, abs=1e-6)


def test_similarity_matches_pg_trgm():
    assert similarity("word", "two words") == pytest.approx(0.36363637, abs=1e-6)
    assert similarity(None, "x") == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CAFÉ Crème", "cafe creme"),
        ("Škoda Ñandú", "skoda nandu"),
        ("ต่อ ธนภพ", "ต่อ ธนภพ"),  # Thai tone marks are part of the word: kept
        ("ジャカルタ", "ジャカルタ"),  # so are Japanese voicing marks
        (None, None),
    ],
)
def test_unaccent(text, expected):
    assert unaccent(text) == expected
