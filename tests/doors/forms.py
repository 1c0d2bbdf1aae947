"""Read a rendered admin page's form the way a browser would submit it, so a test can change a
few fields and post the rest exactly as the admin showed them (inline management forms too)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None, css_class: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id, self.css_class = form_id, css_class
        self.inside = self.done = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_multiple = False
        self._options: list[tuple[str, bool]] = []
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and self._wanted(a):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._select_multiple, self._options = name, "multiple" in a, []
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": []}
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def _wanted(self, attrs: dict) -> bool:
        if self.form_id is not None:
            return attrs.get("id") == self.form_id
        return self.css_class in (attrs.get("class") or "").split()

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"].append(data)
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "option" and self._option is not None:
            value = self._option["value"]
            value = "".join(self._option["text"]).strip() if value is None else value
            self._options.append((value, self._option["selected"]))
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not self._select_multiple and self._options:
                chosen = [self._options[0][0]]
            self.data[self._select] = chosen
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that follows <textarea>.
            self.data[self._textarea] = ["".join(self._text).removeprefix("\n")]
            self._textarea = None


def form_data(html: str, form_id: str | None = None, css_class: str | None = None) -> dict[str, list[str]]:
    reader = _FormReader(form_id, css_class)
    reader.feed(html)
    return reader.data


def admin_form(client, url: str) -> dict[str, list[str]]:
    """What the admin's add or change page at ``url`` would post unchanged."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    model_name = response.context["opts"].model_name
    return form_data(response.content.decode(), f"{model_name}_form")


def admin_post(client, url: str, **changes):
    """Post the admin's own form at ``url`` with ``changes`` typed in (values as a browser sends them)."""
    data = admin_form(client, url)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    data["_save"] = ["Save"]
    return client.post(url, data)


def portal_post(client, url: str, **changes):
    """Post the portal's record form at ``url`` (the page's main ``form.card``) with ``changes``."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = form_data(response.content.decode(), css_class="card")
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return client.post(url, data)


def add_inline_row(data: dict[str, list[str]], prefix: str, **fields) -> None:
    """Type a new row into an admin inline whose formset is ``prefix``, as "Add another" does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value if isinstance(value, list) else [value]


def local_parts(moment, zone) -> tuple[str, str]:
    """A moment as the admin's split date and time boxes show it in ``zone``."""
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
