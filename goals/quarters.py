"""A quarter of a country: from local midnight of its first day to local midnight of the next
quarter's first day, in the country's timezone (stored times are UTC)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    def __post_init__(self):
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1 to 4")

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)

    @property
    def last_day(self) -> dt.date:
        return self.next.first_day - dt.timedelta(days=1)

    def bounds(self, zone: ZoneInfo | str) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes: local midnights of the first days of this and the next quarter."""
        zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        start = dt.datetime.combine(self.first_day, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(self.next.first_day, dt.time.min, tzinfo=zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @classmethod
    def parse(cls, year, quarter) -> Quarter | None:
        """From request parameters; None when they are not a quarter."""
        try:
            year, quarter = int(year), int(quarter)
            if not 2000 <= year <= 2100:
                return None
            return cls(year, quarter)
        except (TypeError, ValueError):
            return None
