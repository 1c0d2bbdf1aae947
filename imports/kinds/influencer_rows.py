"""The rows of an influencer import once parsed: what a batch plans from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from imports.kinds.base import Run
    from influencers.models import Category


class Categories(Protocol):
    """What a batch asks of its import kind: the category a cell names (made once per run)."""

    def category_for(self, run: Run, name: str) -> Category: ...


@dataclass
class AccountIn:
    platform: str
    handle: str
    url: str
    followers: int | None
    column: str

    @property
    def key(self) -> tuple[str, str]:
        return self.platform, self.handle.lower()


@dataclass
class ParsedRow:
    number: int
    country: object
    fields: dict
    categories: list[str] | None
    accounts: list[AccountIn]
    followers_on: object
    problems: list = field(default_factory=list)
