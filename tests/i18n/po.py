"""A small reader and writer of gettext .po files, so checks and bulk edits need no gettext or polib.

python -m tests.i18n.po todo locale/th/LC_MESSAGES/django.po      untranslated or fuzzy msgids
python -m tests.i18n.po fill locale/th/LC_MESSAGES/django.po th.json
    th.json: {"msgid": "msgstr", "context\\u0004msgid": "...", "plural msgid": ["form 0", ...]}
    sets those translations and clears their fuzzy flag; then run scripts/i18n.sh compile.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

CONTEXT_SEPARATOR = "\x04"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    first_line: int = 0  # 0-based line span in the file, for rewriting
    end_line: int = 0
    msgstr_line: int = 0  # where the msgstr lines start

    @property
    def key(self) -> str:
        """The key gettext uses: "context\\x04msgid" when there is a context."""
        return f"{self.msgctxt}{CONTEXT_SEPARATOR}{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is not None:
            return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]
        return [self.msgstr]

    @property
    def translated(self) -> bool:
        forms = self.translations
        return bool(forms) and all(forms)


def unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    out, chars, i = [], text[1:-1], 0
    while i < len(chars):
        char = chars[i]
        if char == "\\" and i + 1 < len(chars):
            out.append(_ESCAPES.get(chars[i + 1], chars[i + 1]))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    return '"' + escaped.replace("\n", "\\n") + '"'


def parse(path: str | Path) -> list[Entry]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None  # the field that continuation lines extend

    def finish(end: int) -> None:
        nonlocal entry, target
        if entry is not None and target is not None:
            entry.end_line = end
            entries.append(entry)
        entry, target = None, None

    def put(name: str, index: int | None, value: str, append: bool) -> None:
        if name == "msgstr_plural":
            entry.msgstr_plural[index] = (entry.msgstr_plural.get(index, "") if append else "") + value
        else:
            setattr(entry, name, ((getattr(entry, name) or "") if append else "") + value)

    for number, raw in enumerate(lines):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish(number)
            continue
        keyword = "" if line.startswith(("#", '"')) else line.partition(" ")[0]
        in_msgstr = target is not None and target[0] in ("msgstr", "msgstr_plural")
        # An entry without a blank line before it starts at its comments, msgctxt or msgid.
        if entry is not None and in_msgstr and (line.startswith("#") or keyword in ("msgctxt", "msgid")):
            finish(number)
        if entry is None:
            entry = Entry(first_line=number)
        entry.obsolete = entry.obsolete or obsolete
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{number + 1}: continuation line outside an entry")
            put(target[0], target[1], unquote(line), append=True)
        else:
            rest = line.partition(" ")[2]
            if keyword.startswith("msgstr[") and keyword.endswith("]"):
                if not entry.msgstr_plural:
                    entry.msgstr_line = number
                target = ("msgstr_plural", int(keyword[7:-1]))
            elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
                if keyword == "msgstr":
                    entry.msgstr_line = number
                target = (keyword, None)
            else:
                raise ValueError(f"{path}:{number + 1}: unknown keyword {keyword!r}")
            put(target[0], target[1], unquote(rest), append=False)
    finish(len(lines))
    return entries


def nplurals(entries: list[Entry]) -> int:
    """How many plural forms the catalogue's header declares (1 for id, th, vi, ja, ms, km)."""
    header = next((e for e in entries if e.is_header), None)
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr if header else "")
    return int(match.group(1)) if match else 2


def todo(path: str | Path) -> list[Entry]:
    """The messages still to translate or to review (untranslated or fuzzy), header excluded."""
    return [e for e in parse(path) if not e.is_header and not e.obsolete and (e.fuzzy or not e.translated)]


def fill(path: str | Path, translations: dict[str, str | list[str]]) -> int:
    """Write translations (keyed like ``Entry.key``) into the file; returns how many were set."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    changed = 0
    entries = parse(path)
    forms_wanted = nplurals(entries)
    for entry in sorted(entries, key=lambda e: e.first_line, reverse=True):
        value = translations.get(entry.key)
        if value is None or entry.is_header or entry.obsolete:
            continue
        if entry.msgid_plural is not None:
            forms = [value] * forms_wanted if isinstance(value, str) else list(value)
            if len(forms) != forms_wanted:
                raise ValueError(f"{entry.key!r}: {len(forms)} plural forms given, the language has {forms_wanted}")
            new = [f"msgstr[{i}] {quote(form)}" for i, form in enumerate(forms)]
        else:
            new = [f"msgstr {quote(value if isinstance(value, str) else value[0])}"]
        lines[entry.msgstr_line : entry.end_line] = new
        for number in range(entry.first_line, entry.msgstr_line):
            if lines[number].startswith("#,"):
                flags = [f.strip() for f in lines[number][2:].split(",") if f.strip() and f.strip() != "fuzzy"]
                lines[number] = ("#, " + ", ".join(flags)) if flags else None
            elif lines[number].startswith("#|"):  # the previous msgid of a fuzzy match
                lines[number] = None
        changed += 1
    path.write_text("\n".join(line for line in lines if line is not None) + "\n", encoding="utf-8")
    return changed


def fix_plural_forms(path: str | Path) -> int:
    """Untranslated plural messages get exactly nplurals empty forms; returns how many changed."""
    path = Path(path)
    entries = parse(path)
    wanted = nplurals(entries)
    lines = path.read_text(encoding="utf-8").splitlines()
    changed = 0
    for entry in sorted(entries, key=lambda e: e.first_line, reverse=True):
        if entry.msgid_plural is None or entry.obsolete or any(entry.translations):
            continue
        if len(entry.msgstr_plural) != wanted:
            lines[entry.msgstr_line : entry.end_line] = [f'msgstr[{i}] ""' for i in range(wanted)]
            changed += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "todo":
        for entry in todo(argv[1]):
            print(json.dumps({entry.key: entry.msgid_plural or ""}, ensure_ascii=False)[1:-1])
        return 0
    if len(argv) >= 2 and argv[0] == "plurals":
        for name in argv[1:]:
            print(f"{fix_plural_forms(name)} plural messages fixed in {name}")
        return 0
    if len(argv) == 3 and argv[0] == "fill":
        data = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        print(f"{fill(argv[1], data)} messages set in {argv[1]}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
