"""``{% agreements_section record %}``: a challenge's or an influencer's creator agreements on its page.

A tag, not an import (like ``{% budget_section %}``): the challenge and influencer pages load it
by name, so those apps never import this one. Only people with ``finance.view`` in the record's
country get anything; for everyone else the tag renders nothing and runs no query.
"""

from django import template

from challenges.selectors import challenge_views_gained
from opsportal.access import Perm, access_for_request

from .. import selectors

register = template.Library()


@register.inclusion_tag("agreements/_finance_section.html", takes_context=True)
def agreements_section(context, record):
    access = access_for_request(context["request"])
    if not access.can(Perm.FINANCE_VIEW, record.country_id):
        return {"finance": None}
    if record._meta.model_name == "challenge":
        finance = {
            "agreements": list(selectors.challenge_agreements(record)[:50]),
            # The views gained the budget section reads too: one query for the page, whether
            # or not anything was paid (the page's query count no longer depends on it).
            "spend": selectors.challenge_spend(record, views=challenge_views_gained(record)),
            "query": f"challenge={record.pk}",
        }
    else:
        finance = {
            "agreements": list(selectors.influencer_agreements(record)[:50]),
            "query": f"influencer={record.pk}",
        }
    return {"finance": finance, "can_edit_finance": access.can(Perm.FINANCE_EDIT, record.country_id)}
