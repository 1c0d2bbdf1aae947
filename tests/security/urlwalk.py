"""Every URL the project resolves, with its path parameters filled from the test world.

``routes()`` walks ``get_resolver().url_patterns`` recursively. ``variants(route, world)``
builds concrete requests for a route: one per country for routes about a record (so the same
page is asked for an Indonesian and a Thai record), one for routes without parameters.
A route whose parameters cannot be filled is returned by ``unfillable()`` so the test can
name it: add a line to ``PARAMS`` or ``EXPLICIT`` below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import RECORD_PATHS

# Values for parameters that do not name a record.
PARAMS = {
    "uidb64": "MQ",
    "token": "set-password",
    "app_label": "influencers",
    "year": "2026",
    "week": "2026-W47",
    "month": "4",
    "secret": "not-a-valid-feed-secret",
}

# Routes skipped on purpose, with the reason.


@dataclass
class Route:
    name: str | None
    display: str
    callback: object
    kwargs: tuple[str, ...]
    positional: int
    route_chain: tuple[str, ...] | None  # str(pattern) of each level when all are path() routes

    @property
    def door(self) -> str:
        if self.display.startswith("admin/"):
            return "admin"
        if self.display.startswith("api/"):
            return "api"
        return "portal"

    @property
    def has_params(self) -> bool:
        return bool(self.kwargs) or self.positional > 0


@dataclass
class Variant:
    route: Route
    url: str
    model: type[Model] | None = None
    obj: Model | None = None
    country: str | None = None  # "ID" / "TH" when the URL is about a record of that country
    strict: bool = False  # model known for sure (declared by the view or an explicit entry)
    query: str = ""
    notes: list[str] = field(default_factory=list)
    extra_perms: tuple[str, ...] = ()  # needed besides reading the record (e.g. reading the audit trail)

    @property
    def full_url(self) -> str:
        return f"{self.url}?{self.query}" if self.query else self.url


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None, kwargs: tuple, positional: int, chain):
        for p in patterns:
            regex = p.pattern.regex
            names = tuple(regex.groupindex)
            pos = regex.groups - len(names)
            is_route = type(p.pattern).__name__ == "RoutePattern"
            link = (*chain, str(p.pattern)) if chain is not None and is_route else None
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns, kwargs + names, positional + pos, link)
            elif isinstance(p, URLPattern):
                name = p.name and (f"{namespace}:{p.name}" if namespace else p.name)
                found.append(Route(name, prefix + str(p.pattern), p.callback, kwargs + names, positional + pos, link))

    walk(get_resolver().url_patterns, "", None, (), 0, ())
    return found


def declared_model(route: Route) -> type[Model] | None:
    """The model a view says it is about: admin, DRF viewset, or generic class-based view."""
    callback = route.callback
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is None:  # admin_site.admin_view(bound method), e.g. simple-history's version page
        model_admin = getattr(getattr(callback, "__wrapped__", None), "__self__", None)
    if model_admin is not None and hasattr(model_admin, "model"):
        return model_admin.model
    for holder in (getattr(callback, "cls", None), getattr(callback, "view_class", None)):
        if holder is None:
            continue
        queryset = getattr(holder, "queryset", None)
        if queryset is not None and hasattr(queryset, "model"):
            return queryset.model
        model = getattr(holder, "model", None)
        if isinstance(model, type) and issubclass(model, Model):
            return model
    return None


def guessed_model(route: Route) -> type[Model] | None:
    """For function views: the path segment before the first parameter names the record."""
    parts = [s for s in re.split(r"[/^$]", route.display) if s]
    segment = None
    for part in parts:
        if "<" in part or "(?P" in part or "(" in part:
            break
        segment = part
    if not segment:
        return None
    singular = segment.lower().replace("-", "")
    singular = singular[:-3] + "y" if singular.endswith("ies") else singular.rstrip("s")
    app = (route.name or "").split(":")[0]
    candidates = [
        m
        for m in apps.get_models()
        if not m.__name__.startswith("Historical") and m._meta.model_name.endswith(singular)
    ]
    candidates.sort(key=lambda m: (m._meta.model_name != singular, m._meta.app_label != app))
    return candidates[0] if candidates else None


def build(route: Route, kwargs: dict, args: list) -> str | None:
    if route.name:
        try:
            return reverse(route.name, kwargs=kwargs or None, args=args or None)
        except Exception:  # noqa: BLE001 — an unreversible twin; the path() chain may still work
            pass
    if route.route_chain is None or args:
        return None
    url = "/" + "".join(route.route_chain)
    for key, value in kwargs.items():
        url = re.sub(rf"<(?:\w+:)?{key}>", str(value), url)
    return None if "<" in url else url


# Parameter name → the record it names, when the name says it.
def model_for_param(param: str, route_model):
    if param in ("pk", "id", "object_id"):
        return route_model
    base = re.sub(r"_(pk|id)$", "", param)
    for model in apps.get_models():
        if model._meta.model_name == base.replace("_", ""):
            return model
    return None


def variants(route: Route, world, explicit: list) -> list[Variant] | None:
    """The requests to make for ``route``, or None when its parameters cannot be filled.

    ``explicit`` is a list of (regular expression on the route's name, function(route, world)
    returning variants) for routes the generic rules cannot fill.
    """
    for pattern, make in explicit:
        if route.name and re.fullmatch(pattern, route.name):
            return make(route, world)
    if "format" in route.kwargs:
        return []
    model = declared_model(route)
    strict = model is not None
    if model is None and route.has_params:
        model = guessed_model(route)
    if not route.has_params:
        url = build(route, {}, [])
        return [Variant(route, url, model=model, strict=strict)] if url else None
    out: list[Variant] = []
    for code in ("ID", "TH"):
        kwargs, args = {}, []
        obj = None
        ok = True
        for param in route.kwargs:
            if param in PARAMS:
                kwargs[param] = PARAMS[param]
                continue
            target = model_for_param(param, model)
            record = world.record(target, code) if target is not None else None
            if record is None:
                ok = False
                break
            kwargs[param] = record.pk
            if obj is None or target is model:
                obj = record
        if not ok:
            return None
        if route.positional:
            return None
        url = build(route, kwargs, args)
        if url is None:
            return None
        if any(v.url == url for v in out):
            continue  # a record without a country: one request is enough
        kind = type(obj) if obj is not None else model
        out.append(Variant(route, url, model=kind, obj=obj, country=code, strict=strict))
    return out


def in_country_paths(model) -> bool:
    return model is not None and model._meta.label_lower in RECORD_PATHS
