"""``{% budget_section record %}``: an event's or a challenge's budget on its page.

A tag, not an import: the events and challenges pages load it by name, so those apps never
import this one (budgets references them, not the other way round). Only people with
``finance.view`` in the record's country get anything; for everyone else the tag renders
nothing and runs no query.
"""

from django import template

from challenges.selectors import challenge_views_gained
from opsportal.access import Perm, access_for_request

from .. import selectors

register = template.Library()


@register.inclusion_tag("budgets/_section.html", takes_context=True)
def budget_section(context, record):
    request = context["request"]
    access = access_for_request(request)
    if not access.can(Perm.FINANCE_VIEW, record.country_id):
        return {"show": False}
    kind = record._meta.model_name
    budget = selectors.event_budget(record) if kind == "event" else selectors.challenge_budget(record)
    cpm = None
    if kind == "challenge":
        cpm = selectors.cost_per_mille(budget.total, challenge_views_gained(record))
    return {
        "show": True,
        "request": request,
        "record": record,
        "kind": kind,
        "budget": budget,
        "cpm": cpm,
        "can_edit_budget": access.can(Perm.FINANCE_EDIT, record.country_id),
        "csrf_token": context.get("csrf_token"),
    }
