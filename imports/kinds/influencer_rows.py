"""The rows of an influencer import once parsed, and the records a batch plans to insert."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from influencers.models import Influencer, PlatformAccount
from opsportal.bulk import model_defaults

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


# --- records new in a batch -------------------------------------------------------------------
# Plain objects, not model instances: a batch of an import builds thousands (one influencer, its
# accounts and its counts per row), and a model instance costs several times more to build and
# to insert. They carry the models' column attributes, so planning treats them like the stored
# records it loaded, and ``opsportal.bulk.insert_objects`` writes them.


class NewInfluencer:
    pk = None

    def __init__(self, country, created_by_id: int | None, profile=None):
        self.__dict__.update(_INFLUENCER_DEFAULTS)
        self.country = country
        self.country_id = country.pk
        self.created_by_id = created_by_id
        self.profile = profile  # a shared relationship's home record, stored or new

    @property
    def profile_id(self) -> int | None:
        return self.profile.pk if self.profile is not None else None


class NewAccount:
    pk = None

    def __init__(self, influencer, platform: str, handle: str, url: str, created_by_id: int | None):
        self.__dict__.update(_ACCOUNT_DEFAULTS)
        self.influencer = influencer
        self.platform, self.handle, self.url = platform, handle, url
        self.created_by_id = created_by_id

    @property
    def influencer_id(self) -> int | None:
        return self.influencer.pk


class NewSnapshot:
    pk = None
    recorded_at = None

    def __init__(self, account, date, followers: int, source: str):
        self.account, self.date, self.followers, self.source = account, date, followers, source

    @property
    def account_id(self) -> int | None:
        return self.account.pk


_INFLUENCER_DEFAULTS = model_defaults(Influencer, skip=("country_id", "profile_id"))
_ACCOUNT_DEFAULTS = model_defaults(PlatformAccount, skip=("influencer_id",))
