"""The portal's create/edit screens of issue 14 are in the permission matrix: each route is
walked for both countries (an Indonesian and a Thai record), and the write routes are among
those the matrix posts to as every read-only caller."""

from __future__ import annotations

import pytest

from .test_permission_matrix import all_variants, is_write_route

pytestmark = pytest.mark.urls("tests.security.urls")

NEW_ROUTES_WITH_RECORD = {
    "influencers:edit": "influencers.influencer",
    "influencers:followers_add": "influencers.platformaccount",
    "challenges:metrics_add": "challenges.challenge",
    "challenges:snapshot_edit": "challenges.challengemetricsnapshot",
    "events:task_add": "events.event",
    "events:task_edit": "events.eventtask",
    "events:guest_add": "events.event",
    "events:partner_add": "events.event",
    "events:capture": "events.event",
    "events:event_partner_remove": "events.eventpartner",
    "events:event_partner_edit": "events.eventpartner",
    "locales:contact_edit": "locales.governmentcontact",
    "locales:interaction_edit": "locales.governmentinteraction",
    "locales:incident_edit": "locales.regulatoryincident",
    "locales:commitment_edit": "locales.governmentcommitment",
    "locales:moment_edit": "locales.culturalmoment",
    # Creator agreements (issue 17): finance records, finance.edit to write.
    "agreements:edit": "agreements.agreement",
    "agreements:status": "agreements.agreement",
    "agreements:deliverable_add": "agreements.agreement",
    "agreements:payment_add": "agreements.agreement",
    "agreements:deliverable_delivered": "agreements.deliverable",
    "agreements:payment_paid": "agreements.payment",
    "agreements:payment_remove": "agreements.payment",
    "agreements:deliverable_edit": "agreements.deliverable",
    "agreements:deliverable_remove": "agreements.deliverable",
    "agreements:payment_edit": "agreements.payment",
    "budgets:event_line_add": "events.event",
    "budgets:challenge_line_add": "challenges.challenge",
    "budgets:line_edit": "budgets.budgetline",
    "budgets:line_delete": "budgets.budgetline",
    "locales:request_edit": "locales.regulatorrequest",
    "locales:request_status": "locales.regulatorrequest",
    "locales:request_item_add": "locales.regulatorrequest",
    "locales:request_item_edit": "locales.requestitem",
    "locales:request_item_remove": "locales.requestitem",
    "goals:figure_edit": "goals.externalfigure",
    "goals:figure_delete": "goals.externalfigure",
}
NEW_ROUTES = {
    "influencers:create",
    "influencers:handle_check",
    "locales:contact_create",
    "locales:incident_create",
    "locales:commitment_create",
    "locales:request_create",
    "locales:moments",
    "locales:moment_create",
    "agreements:create",
    "budgets:rate_add",  # finance.edit anywhere: exchange rates have no country
    "exports:handover_reassign",  # leads only (Perm.TEAM_HANDOVER): WRITE_ROUTE_PERMS in the matrix
    "goals:index",
    "goals:edit",  # leads only (Perm.GOALS_EDIT): WRITE_ROUTE_PERMS in the matrix
    "goals:figure_create",
}


def test_new_portal_routes_are_walked_per_country(world, roles, tokens):
    world.build_extras()
    world.actor = roles["id_operator"]
    variants, _unfillable = all_variants(world)
    by_name: dict[str, list] = {}
    for variant in variants:
        by_name.setdefault(variant.route.name, []).append(variant)
    for name, label in NEW_ROUTES_WITH_RECORD.items():
        found = by_name.get(name, [])
        assert {v.country for v in found} == {"ID", "TH"}, name
        assert {v.model._meta.label_lower for v in found} == {label}, name
        assert all(v.obj is not None for v in found), name
        assert is_write_route(found[0].route), name
    for name in NEW_ROUTES:
        assert by_name.get(name), name
    for name in NEW_ROUTES - {"influencers:handle_check", "locales:moments", "goals:index"}:
        assert is_write_route(by_name[name][0].route), name
