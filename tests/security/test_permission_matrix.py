"""The permission matrix: every URL the project resolves, for every kind of caller.

For each route (portal, API, admin, feeds, exports, ... whatever resolves at run time) and each
caller — anonymous, each role of Indonesia, a Thai operator, an HQ viewer, an administrator and
API tokens of each scope — the test asks the page about an Indonesian and a Thai record and checks:

* the status: another country's record is 404 (never a 403 that confirms it exists); records
  of a kind the caller may not read at all are 403 or 404; only ANONYMOUS_ROUTES answer
  anyone not signed in;
* the body: no marker string of a record the caller may not see (another country's, a
  government record, someone's own notifications) appears in any page, list, export or feed;
* writes: POST (and PUT/PATCH/DELETE on the API) from someone who may only read is refused,
  and nothing in the database changes;
* HTML pages: no inline script, no inline event handler, nothing loaded from another site.

Routes the generic rules cannot fill are listed by ``test_every_route_is_covered``: give them
an entry in EXPLICIT below.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client

from opsportal.access import NO_ACCESS, Access, Perm, access_for_token, access_for_user, read_perm
from opsportal.access import write_perm as write_perm_of
from opsportal.history import audited_models, history_model
from tests.security.world import RECORD_PATHS

from . import urlwalk
from .urlwalk import Variant
from .world import FIN_MARKS, ID_GOV_MARK, ID_MARK, PRIVATE_MARK, TH_GOV_MARK, TH_MARK

pytestmark = pytest.mark.urls("tests.security.urls")

USERS = [
    "id_lead",
    "id_operator",
    "id_gr",
    "id_viewer",
    "th_operator",
    "hq_viewer",
    "hq_finance",
    "superuser",
    "two_teams",
]
TOKENS = ["read", "write", "government", "finance", "two_countries"]
ACTORS = ["anonymous", *USERS, *(f"token_{t}" for t in TOKENS)]


def add_mixed_actors(name: str, world, roles, tokens) -> None:
    """Callers whose rights differ by country (issue 18): made only for their own run.

    ``two_teams`` operates in Indonesia and only reads Thailand; ``token_two_countries`` reads
    and writes both, without government. Each must see and touch each country as its rights say.
    """
    from locales.models import Role
    from opsportal.models import Scope
    from tests import factories as fac

    from .world import make_token, member

    if name == "two_teams" and name not in roles:
        person = member(world.id, Role.OPERATOR, "two-teams", staff=True)
        fac.MembershipFactory(user=person, country=world.th, role=Role.VIEWER)
        roles[name] = person
    if name == "token_two_countries" and "two_countries" not in tokens:
        tokens["two_countries"] = make_token("id-th", [world.id, world.th], [Scope.READ, Scope.WRITE])


# The only routes anyone may open without signing in. The API schema and docs need sign-in
# (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); calendar feeds are guarded by their secret URL.
ANONYMOUS_ROUTES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "javascript-catalog",
    "admin:login",
    "admin:logout",
    "feeds:calendar",
    "favicon",  # a redirect to the static icon: browsers ask for it before anyone signs in
    # Probes for load balancers and monitors: no record data, reasons only in the log (opsportal/health.py).
    "healthz",
    "readyz",
}
ANONYMOUS_PATHS = {"/api/"}  # unnamed: a redirect to /api/v1/, which itself needs sign-in

# A person's own things: anyone signed in may POST to them (their own session, language,
# country, saved filters, notifications, feed secret), so write refusals are not checked there.
PERSONAL_WRITES = re.compile(
    r"^(login|logout|password_.*|set_language|admin:(login|logout|password_change.*)|portal:country_switch"
    r"|portal:saved_view_.*|notifications:.*|feeds:reset|security:sign_out_everywhere|portal:search)$"
)
# Routes that write although their URL names no record: who may use them (any of the permissions).
WRITE_DOORS = {"imports": (Perm.EDIT, Perm.GOVERNMENT_EDIT)}
# Scoped records written by a door of their own: an import job is made by importing, which
# needs edit or government edit (whichever the file holds), not the record's own write permission.
WRITE_MODELS = {"imports.importjob": (Perm.EDIT, Perm.GOVERNMENT_EDIT)}
# Single routes that write for a permission of their own (the exports namespace is downloads).
WRITE_ROUTE_PERMS = {
    "exports:handover_reassign": (Perm.TEAM_HANDOVER,),
    "goals:edit": (Perm.GOALS_EDIT,),  # a quarter's targets: leads (the URL names no record)
    "goals:figure_create": (Perm.EDIT,),
}
# Portal and admin routes that change something when posted to (by the last part of their name);
# every API route is one. Pages that answer a POST like a GET (a detail page, a chart, the admin's
# change list without an action) are not posted to. The admin's version pages (``_simple_history``)
# are checked by test_audit_trail.test_admin_history_has_no_revert.
WRITE_ROUTE = re.compile(
    r"(^|[_-])(create|new|add|edit|change|update|delete|remove|status|stage|outreach|log|done|copy|confirm"
    r"|rerun|erase|bulk|resend|move|save|upload|mapping|index|reassign|capture|delivered|paid)$"
)
WRITE_NAMESPACES_WITH_INDEX = {"imports"}  # ``index`` is a write only where it is an upload form


def is_write_route(route) -> bool:
    if route.door == "api":
        return True
    namespace, _sep, last = (route.name or "").rpartition(":")
    if not WRITE_ROUTE.search(last):
        return False
    return last != "index" or namespace in WRITE_NAMESPACES_WITH_INDEX


SEARCH_TERM = "zqx"  # the common prefix of every marker: a search for it finds every record
MARKS = {"ID": (ID_MARK, ID_GOV_MARK), "TH": (TH_MARK, TH_GOV_MARK)}
OK_STATUSES = set(range(200, 400)) | {400, 405}


# --- routes the generic rules cannot fill ------------------------------------------------------
def _per_country(route, world, make):
    out = []
    for code in ("ID", "TH"):
        made = make(code)
        if made is not None:
            url, model, obj = made
            out.append(Variant(route, url, model=model, obj=obj, country=code, strict=True))
    return out


def _simple_history(route, world):
    model = urlwalk.declared_model(route)

    def make(code):
        obj = world.record(model, code)
        if obj is None or model._meta.label_lower not in audited_models():
            return None
        version = history_model(model).objects.filter(id=obj.pk).values_list("history_id", flat=True).first()
        return urlwalk.build(route, {}, [obj.pk, version]), model, obj

    return _per_country(route, world, make)


def _view_on_site(route, world):
    """Django's "view on site" redirect (404 for records without a public URL)."""
    from influencers.models import Influencer

    out = []
    for code in ("ID", "TH"):
        obj = world.record(Influencer, code)
        kwargs = {"content_type_id": ContentType.objects.get_for_model(Influencer).pk, "object_id": obj.pk}
        out.append(Variant(route, urlwalk.build(route, kwargs, []), model=Influencer, obj=obj, country=code))
    return out


def _audit_entry(route, world):
    """One entry of the trail: needs the audit permission in the record's country."""
    from influencers.models import Influencer
    from locales.models import GovernmentContact

    out = []
    for model in (Influencer, GovernmentContact):
        for code in ("ID", "TH"):
            obj = world.record(model, code)
            version = model.history.filter(id=obj.pk).values_list("history_id", flat=True).first()
            url = urlwalk.build(route, {"pk": f"{model._meta.label_lower}:{version}"}, [])
            out.append(
                Variant(route, url, model=model, obj=obj, country=code, strict=True, extra_perms=(Perm.AUDIT_VIEW,))
            )
    return out


def _import_job(route, world):
    """Someone else's import: the page must not open it for anyone but an administrator."""
    from imports.models import ImportJob

    out = []
    for code in ("ID", "TH"):
        job = world.record(ImportJob, code)
        if job is not None:
            url = urlwalk.build(route, {"token": job.token}, [])
            out.append(Variant(route, url, model=ImportJob, obj=job, country=code))
    return out


def _import_template(route, world):
    from imports.kinds import KINDS

    return [Variant(route, urlwalk.build(route, {"kind": k, "fmt": f}, [])) for k in KINDS for f in ("csv", "xlsx")]


def _export_list(route, world):
    from exports.registry import LISTS

    out = []
    for name, spec in LISTS.items():
        model = getattr(spec, "model", None)
        for fmt in ("csv", "xlsx"):
            out.append(Variant(route, urlwalk.build(route, {"name": name, "fmt": fmt}, []), model=model, strict=True))
    return out


def _handover(route, world):
    from locales.models import Country

    def make(code):
        country = world.id if code == "ID" else world.th
        return urlwalk.build(route, {"code": code}, []), Country, country

    return _per_country(route, world, make)


def _app_list(route, world):
    labels = sorted({m._meta.app_label for m in admin.site._registry})
    return [Variant(route, urlwalk.build(route, {"app_label": label}, [])) for label in labels]


def _autocomplete(route, world):
    """One request per autocomplete field in the admin: its choices must be scoped too."""
    url = urlwalk.build(route, {}, [])
    out = [Variant(route, url)]
    for model, model_admin in admin.site._registry.items():
        for field in getattr(model_admin, "autocomplete_fields", ()):
            query = f"app_label={model._meta.app_label}&model_name={model._meta.model_name}&field_name={field}&term="
            out.append(Variant(route, url, query=query))
    return out


def _feed(route, world):
    """The caller's own feed secret (calendar apps send no cookie) and an invalid one."""
    from feeds.services import feed_token_reset

    out = [Variant(route, urlwalk.build(route, {"secret": "not-a-valid-feed-secret"}, []))]
    if world.actor is not None and getattr(world.actor, "pk", None):
        token = feed_token_reset(world.actor, None)
        out.append(Variant(route, urlwalk.build(route, {"secret": token.token}, []), notes=["own feed"]))
    return out


def _privacy(route, world):
    from influencers.models import Influencer
    from locales.models import GovernmentContact

    out = []
    for kind, model in (("influencer", Influencer), ("contact", GovernmentContact)):
        for code in ("ID", "TH"):
            obj = world.record(model, code)
            url = urlwalk.build(route, {"kind": kind, "pk": obj.pk}, [])
            out.append(Variant(route, url, model=model, obj=obj, country=code, strict=True))
    return out


def _signed_file(route, world):
    """The signed agreement's download (API). The world's agreements have no file, so a reader
    gets 404 there too: the read is lenient, as for the portal's twin. Another country's still
    answers 404 (``hidden``), and a reader's PUT/DELETE must still be refused."""
    out = []
    for variant in urlwalk.variants(route, world, []) or []:
        variant.strict = False
        out.append(variant)
    return out


EXPLICIT = [
    (r"agreement-signed-file", _signed_file),
    (r"admin:.*_simple_history", _simple_history),
    (r"admin:view_on_site", _view_on_site),
    (r"admin:app_list", _app_list),
    (r"admin:autocomplete", _autocomplete),
    (r"feeds:calendar", _feed),
    (r"security:privacy_(export|erase)", _privacy),
    (r"audit-detail", _audit_entry),
    (r"imports:(job|mapping|progress|confirm|rerun)", _import_job),
    (r"imports:template", _import_template),
    (r"exports:list", _export_list),
    (r"exports:handover", _handover),
]
# Routes outside /api/ that also take an API token (Authorization: Bearer).
TOKEN_ROUTES = re.compile(r"^exports:")


def all_variants(world) -> tuple[list[Variant], list[urlwalk.Route]]:
    found, unfillable = [], []
    for route in urlwalk.routes():
        made = urlwalk.variants(route, world, EXPLICIT)
        if made is None:
            unfillable.append(route)
            continue
        for variant in made:
            found.append(variant)
            name = route.name or ""
            if not variant.route.has_params and re.search(r"(:list|-list|search|export)", name):
                found.append(Variant(route, variant.url, model=variant.model, query=f"q={SEARCH_TERM}"))
    return found, unfillable


# --- what each caller may see -----------------------------------------------------------------
class Caller:
    def __init__(self, name: str, world, roles, tokens):
        self.name = name
        self.user = roles.get(name) if name in roles else None
        self.token = tokens[name.removeprefix("token_")] if name.startswith("token_") else None
        if self.token is not None:
            self.client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {self.token[1]}")
            self.access = access_for_token(self.token[0])
        else:
            self.client = Client(raise_request_exception=False)
            self.access = access_for_user(self.user) if self.user is not None else NO_ACCESS
            if self.user is not None:
                self.client.force_login(self.user)
        self.world = world
        self.forbidden = set()
        for code, country in (("ID", world.id), ("TH", world.th)):
            mark, gov_mark = MARKS[code]
            if not self.access.can(Perm.VIEW, country.pk):
                self.forbidden.add(mark)
            if not self.access.can(Perm.GOVERNMENT_VIEW, country.pk):
                self.forbidden.add(gov_mark)
            if not self.access.can(Perm.FINANCE_VIEW, country.pk):
                self.forbidden.add(FIN_MARKS[code])
        if not self.access.is_superuser:
            self.forbidden.add(PRIVATE_MARK)

    @property
    def anonymous(self) -> bool:
        return self.user is None and self.token is None

    @property
    def is_token(self) -> bool:
        return self.token is not None


def expected(caller: Caller, variant: Variant) -> str:
    """ok | public | denied | hidden | login | lenient"""
    route = variant.route
    if route.name in ANONYMOUS_ROUTES or (route.name is None and variant.url in ANONYMOUS_PATHS):
        return "public"
    if route.name is None and route.door == "admin":
        return "redirect"  # the admin's bare /<id>/ → /<id>/change/, for any id
    if caller.anonymous:
        return "login"
    access: Access = caller.access
    model, obj = variant.model, variant.obj
    label = model._meta.label_lower if model is not None else None
    if obj is None:
        if label in RECORD_PATHS and variant.strict and not access.can(read_perm(model)):
            return "denied"
        return "lenient"
    if label in RECORD_PATHS:
        perms = (read_perm(model), *variant.extra_perms)
        country_id = Access.country_id_of(obj)
        if all(access.can(p, country_id) for p in perms):
            return "ok" if variant.strict else "lenient"
        if access.country_ids(*perms) == set():
            return "denied"  # no such records for them anywhere: 403 or 404
        return "hidden"
    return "lenient"  # personal and other records: their markers are checked in the body


def _is_login_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and ("/accounts/login/" in location or "/admin/login/" in location)


def status_problem(kind: str, response) -> str | None:
    status = response.status_code
    if status >= 500:
        return "server error"
    if kind == "login" and not (_is_login_redirect(response) or status in (401, 403, 404, 405)):
        return "reachable without signing in"
    if kind == "hidden" and status not in (404, 405):
        return "another country's record must answer 404"
    if kind == "denied" and status not in (403, 404, 405) and not _is_login_redirect(response):
        return "must be refused (403/404)"
    if kind == "redirect" and not (status in (301, 302) and response["Location"].startswith("/admin/")):
        return "expected the admin's redirect"
    if kind == "ok" and status not in OK_STATUSES | {403}:
        return "over-restrictive: the caller may read this record"
    return None


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw[:4] == b"PK\x03\x04":  # a spreadsheet: read every part of the archive
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = b"".join(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return raw.decode("utf-8", errors="replace").lower()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.I)
THIRD_PARTY = re.compile(r"<(?:script|link|img|iframe|source|video|audio)[^>]+(?:src|href)=[\"'](?:https?:)?//", re.I)


def html_problems(response, body: str) -> list[str]:
    if "text/html" not in response.get("Content-Type", ""):
        return []
    found = []
    for label, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("inline event handler", INLINE_HANDLER),
        ("javascript: URL", JS_URL),
        ("loads from another site", THIRD_PARTY),
    ):
        match = pattern.search(body)
        if match:
            found.append(f"{label}: {body[match.start() : match.start() + 80]!r}")
    return found


def fingerprint() -> int:
    """How many rows the records, their history and the batch trail hold: any write moves it."""
    from django.apps import apps

    tables = {apps.get_model(label)._meta.db_table for label in RECORD_PATHS}
    tables |= {history_model(m)._meta.db_table for m in audited_models().values()}
    tables.add("opsportal_auditentry")
    sql = " + ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in sorted(tables))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}")
        return cursor.fetchone()[0]


def may_write(caller: Caller, variant: Variant) -> bool:
    """Could this caller legitimately write through this route? (If so, no refusal is checked.)"""
    access = caller.access
    if access.is_superuser:
        return True
    model, obj = variant.model, variant.obj
    label = model._meta.label_lower if model is not None else None
    if label in WRITE_MODELS:
        country_id = access.country_id_of(obj) if obj is not None else None
        return any(access.can(perm, country_id) for perm in WRITE_MODELS[label])
    if obj is not None and label in RECORD_PATHS:
        return access.can_edit(obj)
    if label in RECORD_PATHS:
        return access.can(write_perm_of(model))
    if variant.route.name in WRITE_ROUTE_PERMS:
        return any(access.can(perm) for perm in WRITE_ROUTE_PERMS[variant.route.name])
    namespace = (variant.route.name or "").split(":")[0]
    if namespace in WRITE_DOORS:
        return any(access.can(perm) for perm in WRITE_DOORS[namespace])
    return True  # unknown: not checked


def write_methods(variant: Variant) -> list[str]:
    if variant.route.door == "api":
        return ["patch", "put", "delete"] if variant.obj is not None else ["post"]
    return ["post"]


# --- the matrix ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ACTORS)
def test_permission_matrix(name, world, roles, tokens):
    add_mixed_actors(name, world, roles, tokens)
    world.build_extras()
    caller = Caller(name, world, roles, tokens)
    world.actor = caller.user
    variants, _unfillable = all_variants(world)
    failures: list[str] = []
    html_seen: set[str] = set()
    for variant in variants:
        if caller.is_token and variant.route.door != "api" and not TOKEN_ROUTES.match(variant.route.name or ""):
            continue  # tokens speak only to the API; elsewhere they are anonymous (checked above)
        kind = expected(caller, variant)
        response = caller.client.get(variant.full_url)
        where = f"{name} GET {variant.full_url} [{variant.route.name or variant.route.display}]"
        problem = status_problem(kind, response)
        if problem:
            failures.append(f"{where} → {response.status_code}: {problem}")
        if 200 <= response.status_code < 300:
            body = body_of(response)
            leaked = sorted(mark for mark in caller.forbidden if mark.lower() in body)
            if leaked:
                failures.append(f"{where} → {response.status_code}: shows {', '.join(leaked)}")
            # Page markup is the same for everyone: checked as the administrator (who sees every
            # page) and as an anonymous visitor (the public pages).
            if name in ("superuser", "anonymous") and variant.route.display not in html_seen:
                html_seen.add(variant.route.display)
                failures += [f"{where}: {p}" for p in html_problems(response, body)]
        # Writes from someone who may only read this are refused, and change nothing.
        if caller.anonymous or variant.query or kind == "redirect" or PERSONAL_WRITES.match(variant.route.name or ""):
            continue
        if may_write(caller, variant):
            continue
        if not is_write_route(variant.route):
            continue
        for method in write_methods(variant):
            before = fingerprint()
            response = getattr(caller.client, method)(variant.url, {}, content_type="application/json")
            refused = response.status_code in (401, 403, 404, 405) or _is_login_redirect(response)
            if not refused:
                failures.append(f"{name} {method.upper()} {variant.url} → {response.status_code}: write not refused")
            if fingerprint() != before:
                failures.append(f"{name} {method.upper()} {variant.url}: the database changed")
    assert not failures, f"{len(failures)} problem(s):\n" + "\n".join(failures[:300])


def test_every_route_is_covered(world, roles, tokens):
    """Routes whose parameters cannot be filled generically need an entry in EXPLICIT."""
    world.build_extras()
    world.actor = roles["id_operator"]
    variants, unfillable = all_variants(world)
    assert len(variants) > 50
    catch_all = [r for r in unfillable if r.name is None and ".*" in r.display]
    names = [f"{r.display} ({r.name})" for r in unfillable if (r.name or r.has_params) and r not in catch_all]
    assert not names, "add these routes to EXPLICIT in tests/security/test_permission_matrix.py:\n" + "\n".join(names)


# --- notification recipients after an owner moves country ---------------------------------------
def test_an_owner_who_moved_country_receives_nothing_of_the_old_one(world, roles):
    """The Indonesian operator owned a challenge, an event and a task of Indonesia, then moved to
    the Thai team. No reminder of Indonesia is queued for them, one queued before the move is not
    sent, and neither their inbox nor their email shows an Indonesian record."""
    import datetime as dt

    from django.core import mail as django_mail
    from django.utils import timezone

    from challenges.models import Challenge
    from events.models import EventTask
    from locales.models import Role, TeamMembership
    from opsportal import mail
    from opsportal.models import ReminderDelivery
    from reminders import services
    from tests import factories as fac

    mover = roles["id_operator"]
    now = timezone.now().replace(hour=3, minute=0)
    ours = world.objects["ID"]
    Challenge.objects.filter(pk=ours["challenge"].pk).update(
        owner=mover, status="planned", starts_at=now + dt.timedelta(days=1)
    )
    EventTask.objects.filter(pk=ours["eventtask"].pk).update(assignee=mover, due_on=now.date(), done_at=None)
    before = {o.recipient_id for o in services.occasions_for(world.id, now)}
    assert mover.pk in before  # on the team: reminded
    queued = services.queue_country_reminders(world.id, now)
    TeamMembership.objects.filter(user=mover, country=world.id).delete()
    fac.MembershipFactory(user=mover, country=world.th, role=Role.OPERATOR)
    mover._opsportal_access = None
    assert mover.pk not in {o.recipient_id for o in services.occasions_for(world.id, now)}
    for pk in ReminderDelivery.objects.filter(pk__in=queued, recipient=mover).values_list("pk", flat=True):
        assert mail.deliver(pk).status == "skipped"
    assert not [m for m in django_mail.outbox if mover.email in m.to]
    client = Client()
    client.force_login(mover)
    inbox = client.get("/notifications/").content.decode()
    assert ID_MARK not in inbox and ours["challenge"].hashtag not in inbox
