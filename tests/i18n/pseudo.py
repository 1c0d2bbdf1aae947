"""A pseudo-locale for tests: every translated string comes out as ⟦string⟧.

A page rendered in it shows at a glance what escaped translation: any English word left outside
⟦ ⟧ that is not a value from the database (names, hashtags, notes) came from a template or from
code without a translation tag.
"""

from __future__ import annotations

import gettext as gettext_module
import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.translation import trans_real

PSEUDO = "xx"
OPEN, CLOSE = "⟦", "⟧"


class PseudoTranslation(gettext_module.NullTranslations):
    """Stands in for DjangoTranslation: wraps every message instead of looking it up."""

    def gettext(self, message):
        if not message:
            return message
        return OPEN + message.split(trans_real.CONTEXT_SEPARATOR)[-1] + CLOSE

    def ngettext(self, singular, plural, number):
        return self.gettext(singular if number == 1 else plural)

    def to_language(self):
        return PSEUDO


def clear_language_caches() -> None:
    for name in ("get_languages", "_get_supported_language_variant", "translation_catalog_exists"):
        cached = getattr(trans_real, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def install(settings, monkeypatch) -> None:
    """Make "xx" a language of the site, served by PseudoTranslation.

    The ``settings`` and ``monkeypatch`` fixtures undo it; call clear_language_caches() after.
    """
    settings.LANGUAGES = [*settings.LANGUAGES, (PSEUDO, "Pseudo")]  # this change empties the cache
    monkeypatch.setitem(trans_real._translations, PSEUDO, PseudoTranslation())
    real = trans_real.check_for_language
    patched = lambda code: code == PSEUDO or real(code)  # noqa: E731
    monkeypatch.setattr(trans_real, "check_for_language", patched)
    # django.utils.translation keeps the functions it handed out once (``_trans`` caches them):
    # callers of translation.check_for_language (opsportal.mail) must see the pseudo-locale too.
    monkeypatch.setattr(translation._trans, "check_for_language", patched, raising=False)
    clear_language_caches()


# --- what a person reads on the page ---------------------------------------------------------

SKIPPED_TAGS = {"script", "style", "template", "noscript"}
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "aria-description"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text of a page and its readable attributes, minus scripts, styles and translate="no"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.attributes: list[str] = []
        self._skipping: list[list] = []  # [tag, depth] of the element whose content is skipped

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._skipping:
            if tag == self._skipping[-1][0] and tag not in VOID_TAGS:
                self._skipping[-1][1] += 1
            return
        for name in READ_ATTRIBUTES:
            if attrs.get(name):
                self.attributes.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.attributes.append(attrs["value"])
        if tag not in VOID_TAGS and (tag in SKIPPED_TAGS or attrs.get("translate") == "no"):
            self._skipping.append([tag, 1])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self._skipping and self._skipping[-1][0] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self._skipping and tag == self._skipping[-1][0]:
            self._skipping[-1][1] -= 1
            if not self._skipping[-1][1]:
                self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.chunks.append(data)


def visible_text(html: str) -> str:
    """What a person reads on a page: its text and readable attributes, one chunk a line."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join([*parser.chunks, *parser.attributes])


_WRAPPED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")


def unwrapped(text: str) -> str:
    """What is left of a text once every ⟦translated⟧ part (nested ones too) is taken out."""
    previous = None
    while previous != text:
        previous, text = text, _WRAPPED.sub(" ", text)
    return text


def english_words(text: str, allowed: set[str]) -> list[str]:
    """Words of two or more Latin letters that are not data: numbers, dates, URLs, handles are skipped."""
    found = []
    for token in text.split():
        if any(ch.isdigit() for ch in token) or any(mark in token for mark in ("@", "/", "#", "://")):
            continue
        for word in _WORD.findall(token):
            if word not in allowed and word.lower() not in allowed:
                found.append(word)
    return found


def leaks(html: str, allowed: set[str]) -> list[str]:
    """The untranslated words of a page, each with a little of its context."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    out = []
    for text in ["\n".join(parser.chunks), *parser.attributes]:
        rest = unwrapped(text)
        for line in rest.splitlines():
            words = english_words(line, allowed)
            if words:
                out.append(f"{' '.join(words)!s:40} ← {line.strip()[:80]!r}")
    return out


# --- values that came from the database ---------------------------------------------------------

TEXT_FIELDS = (models.CharField, models.TextField)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def data_words() -> set[str]:
    """Every word stored in a text field without choices (a choice's label must be translated)."""
    words: set[str] = set()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if (isinstance(f, TEXT_FIELDS) and not f.choices) or isinstance(f, models.JSONField)
        ]
        if not names:
            continue
        for row in model._default_manager.values_list(*names).iterator():
            for value in row:
                for text in _strings(value):
                    words.update(_WORD.findall(text))
    return words
