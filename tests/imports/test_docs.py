"""docs/import.md lists every column of every kind and every other spelling understood."""

from pathlib import Path

import pytest

from imports.kinds import KINDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_column_and_spelling_is_documented(kind):
    section = DOC.split(f"(`{kind}`)", 1)[1].split("\n### ", 1)[0]
    for column in KINDS[kind].columns:
        assert f"| `{column.field}` |" in section
        for alias in column.aliases:
            assert f"`{alias}`" in section, (column.field, alias)
