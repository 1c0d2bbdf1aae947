"""The portal's lists: a page's keys first, then only that page's rows; counted up to a point.

Django's paginator slices the list's own query: PostgreSQL then joins, annotates and sorts every
row of the country to keep fifty. At ten times the data that was most of a list's time: the
challenge list joined 20,000 rows to their owners and moments before sorting them, and page 100
of the regulator requests counted the items of the 4,950 requests it skipped. Here the page's
ids come from the same filters and ordering with nothing else selected, then the rows (with
their joins and annotations) are read for those ids alone. Same rows, same order.

Counting a list costs a pass over every matching row (Indonesia's 200,000 influencers: 25 ms),
for a figure nobody reads past the first few thousand. So a list is counted up to
``COUNTED_UP_TO`` rows, or to the page asked for if that lies further: the page says "more than
10,000 results", and Next still leads on.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property

COUNTED_UP_TO = 10_000


class KeysFirstPaginator(Paginator):
    def __init__(self, object_list, per_page, *, asked_page=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        try:
            asked = int(asked_page or 1)
        except (TypeError, ValueError):
            asked = 1
        # Enough rows to know that the page asked for exists, and whether another follows it.
        self.count_limit = max(COUNTED_UP_TO, min(asked, 10**9) * per_page) + 1

    @cached_property
    def _is_keyed(self) -> bool:
        """Whether the list is paged by keys: a queryset of model rows, neither a union (whose
        ids could not be filtered on) nor already sliced (a slice cannot be sliced again)."""
        rows = self.object_list
        return (
            isinstance(rows, QuerySet)
            and rows._iterable_class is ModelIterable
            and not rows.query.combinator
            and not rows.query.is_sliced
        )

    @cached_property
    def count(self) -> int:
        if not self._is_keyed:
            return super().count  # values(), unions, slices and lists keep Django's exact count
        # The rows' annotations are not computed to be counted.
        return self.object_list.order_by().values("pk")[: self.count_limit].count()

    @property
    def more_than(self) -> int | None:
        """The count shown as "more than N" when the list was not counted to its end, else None."""
        if self._is_keyed and self.count >= self.count_limit:
            return self.count_limit - 1
        return None

    def page(self, number):
        if not self._is_keyed:
            return super().page(number)  # a list, values(), a union or a slice: as Django does
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        # A row deleted between the two reads is left out rather than shown half-read.
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
