"""Trend charts rendered on the server, for portal pages (SVG) and report emails (PNG).

One function draws both, so the portal and the weekly report always show the same picture.
Matplotlib runs headless (Agg); no script and no CDN reaches the browser.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib

from opsportal import l10n

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import Formatter, FuncFormatter  # noqa: E402

# Fonts that carry Thai, Japanese and Khmer names, when the machine has them.
_FAMILIES = ["Noto Sans", "Noto Sans CJK JP", "Noto Sans Thai", "Noto Sans Khmer"]
matplotlib.rcParams["font.family"] = [*_FAMILIES, "DejaVu Sans"]


def _add_fonts_installed_after_the_cache() -> None:
    """Matplotlib lists the machine's fonts once and caches the list; fonts installed later
    (apt after the first import) stay unknown and their names are drawn as boxes."""
    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    if all(family in known for family in _FAMILIES):
        return
    for path in font_manager.findSystemFonts():
        if "Noto" in path:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue  # a file matplotlib cannot read; the other fonts still serve


_add_fonts_installed_after_the_cache()
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["axes.spines.top"] = False
matplotlib.rcParams["axes.spines.right"] = False
# Every label is a name someone typed (an event, a hashtag, an incident): plain text, never
# mathtext, so "$\foo$" is drawn as written instead of failing the whole chart or report.
matplotlib.rcParams["text.parse_math"] = False

# pyplot keeps global state; draw one chart at a time per process.
_lock = threading.Lock()

PALETTE = ["#1f5f8b", "#d1495b", "#2e933c", "#edae49", "#6b4e9b", "#00798c", "#7a7a7a"]
ANNOTATION_COLORS = {"event": "#2e933c", "moment": "#edae49", "incident": "#d1495b", "crossover": "#6b4e9b"}


@dataclass(frozen=True)
class Annotation:
    """A dated reason on the time axis: an event, a cultural moment, an incident."""

    when: dt.date
    label: str
    kind: str = "event"
    until: dt.date | None = None


def compact_number(value: float) -> str:
    """Axis labels in the active language's short form (5.7M, 5,7 jt, 570万)."""
    return l10n.compact(value)


class LocalDateFormatter(Formatter):
    """Date ticks in the active language and calendar, through ``l10n.axis_date``.

    Matplotlib's own date formatters go through ``strftime``, which speaks the C locale's
    English ("Dec", "2026-Dec") whatever language the page is in, and knows no Buddhist Era.
    Ticks a month or more apart name month and year; closer ones name day and month, with
    the year under the first tick and wherever a new year starts.
    """

    def format_ticks(self, values):
        days = [mdates.num2date(v).date() for v in values]
        monthly = len(days) > 1 and min(b - a for a, b in zip(days, days[1:], strict=False)).days >= 28
        labels = []
        for index, day in enumerate(days):
            new_year = index == 0 or day.year != days[index - 1].year
            labels.append(l10n.axis_date(day, with_year=new_year and not monthly, monthly=monthly))
        return labels

    def __call__(self, x, pos=None):
        return l10n.axis_date(mdates.num2date(x).date())


def line_chart(
    series: Mapping[str, Sequence[tuple[dt.date | dt.datetime, float]]],
    *,
    annotations: Iterable[Annotation] = (),
    title: str = "",
    fmt: str = "svg",
    width: float = 7.5,
    height: float = 3.2,
    empty_text: str = "",
) -> bytes:
    """Draw one line per series, with annotations marked on the time axis.

    Returns SVG markup (``fmt="svg"``) or PNG bytes (``fmt="png"``).
    """
    with _lock:
        fig, ax = plt.subplots(figsize=(width, height), dpi=100)
        try:
            drawn = False
            for index, (name, points) in enumerate(series.items()):
                if not points:
                    continue
                xs, ys = zip(*sorted(points), strict=True)
                ax.plot(xs, ys, label=name, color=PALETTE[index % len(PALETTE)], linewidth=2, marker="o", markersize=3)
                drawn = True
            if not drawn:
                ax.text(0.5, 0.5, empty_text, ha="center", va="center", transform=ax.transAxes, color="#555")
                ax.set_xticks([])
                ax.set_yticks([])
            else:
                low, high = ax.get_xlim()
                for note in annotations:
                    x = mdates.date2num(note.when)
                    if not low <= x <= high:
                        continue
                    color = ANNOTATION_COLORS.get(note.kind, "#555")
                    if note.until:
                        ax.axvspan(note.when, note.until, color=color, alpha=0.12)
                    ax.axvline(note.when, color=color, linestyle="--", linewidth=1)
                    ax.annotate(
                        note.label,
                        xy=(note.when, 1),
                        xycoords=("data", "axes fraction"),
                        xytext=(3, -3),
                        textcoords="offset points",
                        fontsize=7,
                        color=color,
                        rotation=90,
                        va="top",
                    )
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: compact_number(v)))
                locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
                ax.xaxis.set_major_locator(locator)
                ax.xaxis.set_major_formatter(LocalDateFormatter())
                ax.grid(axis="y", color="#e5e5e5")
                if len(series) > 1:
                    ax.legend(loc="upper left", fontsize=8, frameon=False)
            if title:
                ax.set_title(title, fontsize=10, loc="left")
            fig.tight_layout()
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
            return buffer.getvalue()
        finally:
            plt.close(fig)


def bar_chart(
    values: Mapping[str, float], *, title: str = "", fmt: str = "svg", width: float = 7.5, height: float = 3.2
) -> bytes:
    """Horizontal bars, largest on top: top movers, countries side by side."""
    with _lock:
        fig, ax = plt.subplots(figsize=(width, height), dpi=100)
        try:
            items = sorted(values.items(), key=lambda item: item[1])
            if items:
                names, numbers = zip(*items, strict=True)
                ax.barh(names, numbers, color=PALETTE[0])
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: compact_number(v)))
            if title:
                ax.set_title(title, fontsize=10, loc="left")
            fig.tight_layout()
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
            return buffer.getvalue()
        finally:
            plt.close(fig)
