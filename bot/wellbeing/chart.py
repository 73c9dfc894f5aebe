"""Pictures of check-ins, as PNG bytes, with a text alternative for each.

* :func:`radar_png`: the four dimensions on a radar, investment and fulfilment as two series, an
  earlier check-in drawn faintly behind them.
* :func:`trend_png`: one line per dimension over time (investment or fulfilment).

Made for a phone screen: square 600 x 600 px radar, large labels, the Okabe-Ito colour-blind-safe
palette, and every series told apart by line style and marker as well as colour. A skipped answer
is a gap in its line (never a silent 0), and the radar lists what was not answered under the
chart. Texts come from ``bot/content/<lang>/checkin.yml`` (section ``chart``).

Only the object-oriented matplotlib API with the Agg canvas is used (no pyplot, no global
figure state, no global backend switch), so charts render headless and from several threads.
"""
from __future__ import annotations

import io
import math
import textwrap
from datetime import datetime, timedelta
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from bot.content import check_language, section

from .answers import join_list
from .model import DIMENSIONS, CheckIn, dimension

# Okabe-Ito palette (colour-blind safe).
BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREEN = "#009E73"
PURPLE = "#CC79A7"
GREY = "#555555"
SERIES_STYLE = {
    "investment": {"color": BLUE, "linestyle": "-", "marker": "o"},
    "fulfilment": {"color": VERMILLION, "linestyle": "--", "marker": "s"},
}
DIMENSION_STYLE = {
    "physical": {"color": GREEN, "linestyle": "-", "marker": "o"},
    "social": {"color": VERMILLION, "linestyle": "--", "marker": "s"},
    "psychological": {"color": BLUE, "linestyle": "-.", "marker": "^"},
    "spiritual": {"color": PURPLE, "linestyle": ":", "marker": "D"},
}
SERIES = ("investment", "fulfilment")
RADAR_PX = 600
DPI = 100
TITLE_PT = 17
LABEL_PT = 16
LEGEND_PT = 13
NOTE_PT = 12


def _texts(lang: str) -> dict[str, Any]:
    return section(check_language(lang), "checkin")["chart"]


def format_date(when: datetime, lang: str, short: bool = False) -> str:
    t = _texts(lang)
    return t["date_short" if short else "date"].format(day=when.day, month=t["months"][when.month - 1],
                                                       year=when.year)


def _value(checkin: CheckIn | None, dim: str, series: str) -> float:
    if checkin is None:
        return math.nan
    v = getattr(checkin.answer(dim), series, None) if checkin.answer(dim) else None
    return math.nan if v is None else float(v)


def _png(fig: Figure) -> bytes:
    canvas = FigureCanvasAgg(fig)
    buf = io.BytesIO()
    canvas.print_png(buf)
    return buf.getvalue()


def _check_series(series: str) -> str:
    if series not in SERIES:
        raise ValueError(f"series must be one of {SERIES}, not {series!r}")
    return series


# --------------------------------------------------------------------------------------------
# Radar


def radar_png(current: CheckIn, previous: CheckIn | None = None, lang: str = "en") -> bytes:
    """A 600 x 600 px radar of *current* (investment and fulfilment), *previous* drawn faintly."""
    t = _texts(lang)
    names = [dimension(d, lang).name for d in DIMENSIONS]
    n = len(DIMENSIONS)
    angles = [2 * math.pi * i / n for i in range(n)]
    closed = angles + angles[:1]
    size = RADAR_PX

    fig = Figure(figsize=(size / DPI, size / DPI), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()

    # Texts first: their sizes decide how large the radar can be without anything overlapping.
    fig.text(0.5, 1 - 10 / size, t["title"].format(date=format_date(current.taken_at, lang)),
             ha="center", va="top", fontsize=TITLE_PT, color="#222222")
    handles = []
    for series in SERIES:
        style = SERIES_STYLE[series]
        handles.append(Line2D([], [], color=style["color"], linestyle=style["linestyle"], linewidth=3,
                              marker=style["marker"], markersize=9, label=t[series]))
    if previous is not None:
        # The legend fills columns first: this order puts both series on the first row.
        handles.insert(1, Line2D([], [], color=GREY, linestyle=":", linewidth=2, marker="o", markersize=6,
                                 markerfacecolor="none", label=t["previous"].format(
                                     date=format_date(previous.taken_at, lang))))
    missing = _not_answered(current, lang)
    bottom = 8.0
    if missing:
        # Wrapped so a long list of skipped answers stays inside the picture on a phone.
        wrapped = textwrap.fill(t["not_answered"].format(items=missing), width=64)
        note = fig.text(0.5, bottom / size, wrapped, ha="center", multialignment="center",
                        va="bottom", fontsize=NOTE_PT, color=GREY)
        bottom += note.get_window_extent(renderer).height + 6
    legend = fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, bottom / size),
                        fontsize=LEGEND_PT, frameon=False, ncol=2, handlelength=2.6, columnspacing=1.4,
                        borderaxespad=0.0)
    bottom += legend.get_window_extent(renderer).height + 14

    labels = [fig.text(0, 0, name, fontsize=LABEL_PT, fontweight="bold", color="#222222") for name in names]
    widths = [lab.get_window_extent(renderer).width for lab in labels]
    height = max(lab.get_window_extent(renderer).height for lab in labels)
    title_bottom = size - 10 - fig.texts[0].get_window_extent(renderer).height - 10
    gap, edge = 10.0, 8.0
    # Label order follows DIMENSIONS clockwise from the top: top, right, bottom, left.
    w_right, w_left = widths[1], widths[3]
    r_h = (size - 2 * edge - 2 * gap - w_left - w_right) / 2
    r_v = (title_bottom - bottom - 2 * (gap + height)) / 2
    radius = max(60.0, min(r_h, r_v))
    cx = edge + w_left + gap + radius + max(0.0, (r_h - radius))
    cy = bottom + height + gap + max(radius, r_v)   # centred in the band between legend and title
    cx = min(cx, size - edge - w_right - gap - radius)

    ax = fig.add_axes(((cx - radius) / size, (cy - radius) / size, 2 * radius / size, 2 * radius / size),
                      projection="polar")
    for lab, (x, y, ha, va) in zip(labels, (  # noqa: B905 - four labels, four places
            (cx, cy + radius + gap, "center", "bottom"), (cx + radius + gap, cy, "left", "center"),
            (cx, cy - radius - gap, "center", "top"), (cx - radius - gap, cy, "right", "center"))):
        lab.set_position((x / size, y / size))
        lab.set_ha(ha)
        lab.set_va(va)

    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 10)
    ax.set_yticks([2, 4, 6, 8, 10])
    ax.set_yticklabels(["2", "4", "6", "8", "10"], fontsize=10, color=GREY)
    ax.set_rlabel_position(135)
    ax.set_xticks(angles)
    ax.set_xticklabels([])
    ax.grid(color="#BBBBBB", linewidth=0.8)
    ax.spines["polar"].set_color("#999999")

    for series in SERIES:
        style = SERIES_STYLE[series]
        if previous is not None:
            vals = [_value(previous, d, series) for d in DIMENSIONS]
            ax.plot(closed, vals + vals[:1], color=style["color"], linestyle=":", linewidth=2,
                    alpha=0.5, marker=style["marker"], markersize=6, markerfacecolor="none", zorder=2)
        vals = [_value(current, d, series) for d in DIMENSIONS]
        ax.plot(closed, vals + vals[:1], color=style["color"], linestyle=style["linestyle"],
                linewidth=3, marker=style["marker"], markersize=9, zorder=4, clip_on=False)
        if not any(math.isnan(v) for v in vals):
            ax.fill(closed, vals + vals[:1], color=style["color"], alpha=0.12, zorder=3)
    return _png(fig)


def _not_answered(checkin: CheckIn, lang: str) -> str:
    t = _texts(lang)
    items = []
    for d in DIMENSIONS:
        a = checkin.answer(d)
        gaps = [s for s in SERIES if a is None or getattr(a, s) is None]
        if len(gaps) == len(SERIES):
            items.append(dimension(d, lang).name)
        elif gaps:
            items.append(f"{dimension(d, lang).name} ({t[gaps[0]].lower()})")
    return join_list(items, lang)


def _num(v: float) -> str:
    return "" if math.isnan(v) else str(int(v))


def radar_alt_text(current: CheckIn, previous: CheckIn | None = None, lang: str = "en") -> str:
    """The radar as text: every number, the earlier ones beside them, skipped ones said plainly."""
    alt = _texts(lang)["alt"]
    skipped = alt["skipped"]

    def show(v: float) -> str:
        return skipped if math.isnan(v) else str(int(v))

    parts = [alt["intro"].format(date=format_date(current.taken_at, lang))]
    if previous is not None:
        parts.append(alt["previous"].format(date=format_date(previous.taken_at, lang)))
    for d in DIMENSIONS:
        fill = {"name": dimension(d, lang).name,
                "investment": show(_value(current, d, "investment")),
                "fulfilment": show(_value(current, d, "fulfilment"))}
        if previous is not None:
            fill.update(prev_investment=show(_value(previous, d, "investment")),
                        prev_fulfilment=show(_value(previous, d, "fulfilment")))
            parts.append(alt["line_previous"].format(**fill))
        else:
            parts.append(alt["line"].format(**fill))
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Trend


def trend_png(checkins: list[CheckIn], lang: str = "en", series: str = "investment") -> bytes:
    """One line per dimension over time, for *series* ("investment" or "fulfilment")."""
    _check_series(series)
    if not checkins:
        raise ValueError("trend_png needs at least one check-in")
    t = _texts(lang)
    ordered = sorted(checkins, key=lambda c: c.taken_at)
    dates = [c.taken_at for c in ordered]

    fig = Figure(figsize=(7.2, 6.0), dpi=DPI, facecolor="white")
    ax = fig.add_axes((0.1, 0.25, 0.86, 0.63))
    for d in DIMENSIONS:
        style = DIMENSION_STYLE[d]
        ax.plot(dates, [_value(c, d, series) for c in ordered], color=style["color"],
                linestyle=style["linestyle"], marker=style["marker"], linewidth=2.6, markersize=8,
                label=dimension(d, lang).name)
    ax.set_ylim(-0.3, 10.3)
    ax.yaxis.set_major_locator(FixedLocator([0, 2, 4, 6, 8, 10]))
    ax.tick_params(axis="both", labelsize=13)
    ax.set_ylabel(t["scale"], fontsize=13)
    ax.grid(axis="y", color="#DDDDDD")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    from matplotlib.dates import date2num, num2date

    if len(dates) <= 8:
        ax.xaxis.set_major_locator(FixedLocator([date2num(x) for x in dates]))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
    short = dates[0].year == dates[-1].year   # show the year only when the line crosses one
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _pos: format_date(num2date(x).replace(tzinfo=None), lang, short=short)))
    if len(dates) == 1 or dates[-1] - dates[0] < timedelta(days=1):
        ax.set_xlim(date2num(dates[0] - timedelta(days=3)), date2num(dates[-1] + timedelta(days=3)))
    else:
        pad = (dates[-1] - dates[0]) * 0.05
        ax.set_xlim(date2num(dates[0] - pad), date2num(dates[-1] + pad))
    for label in ax.get_xticklabels():
        label.set_rotation(0)

    fig.text(0.5, 0.97, t["trend_title"][series], ha="center", va="top", fontsize=17, color="#222222")
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.01), ncol=2, fontsize=14, frameon=False,
               handlelength=2.8)
    return _png(fig)


def trend_alt_text(checkins: list[CheckIn], lang: str = "en", series: str = "investment") -> str:
    """The trend chart as text: per dimension, the numbers in date order."""
    _check_series(series)
    alt = _texts(lang)["alt"]
    ordered = sorted(checkins, key=lambda c: c.taken_at)
    if not ordered:
        return ""
    parts = [alt["trend_intro"].format(series=alt["trend_series"][series], count=len(ordered),
                                       first=format_date(ordered[0].taken_at, lang),
                                       last=format_date(ordered[-1].taken_at, lang))]
    for d in DIMENSIONS:
        points = ", ".join(
            f"{format_date(c.taken_at, lang, short=True)}: "
            f"{_num(_value(c, d, series)) or alt['skipped']}" for c in ordered)
        parts.append(alt["trend_line"].format(name=dimension(d, lang).name, points=points))
    return " ".join(parts)
