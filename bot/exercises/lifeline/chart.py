"""The lifeline as a picture (PNG bytes) and as text.

* :func:`lifeline_png` draws time (age or year) across and the feeling (-5..+5) up, with a zero
  line, the points joined in time order, high points as blue upward triangles and low points as
  vermillion downward triangles (in between: grey circles), so colour is never the only cue. Each
  point carries its few words, shortened and placed so labels avoid each other where they can.
* :func:`lifeline_alt_text` lists the points in order, for screen readers and for the chat text.
* :func:`chart_series` is the ordering the picture uses: which axis, and the x value of every point
  drawn, in time order.

Sized for a phone (720 x 540 px), Okabe-Ito colour-blind-safe colours, large type. Texts come from
``bot/content/<lang>/lifeline.yml`` (section ``chart``). Like ``bot/wellbeing/chart.py`` it uses only
matplotlib's object API on an Agg canvas: no pyplot, no global backend switch, safe in threads.
matplotlib is imported only when a picture is drawn.
"""
from __future__ import annotations

import io
import textwrap
from typing import Any

from bot.content import check_language
from bot.text import one_line

from .parse import (
    count_phrase,
    fill_when_fields,
    format_feeling,
    format_label,
    format_when,
    infer_birth_year,
    sort_points,
    texts,
)

# Okabe-Ito palette (colour-blind safe), as in bot/wellbeing/chart.py.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREY = "#555555"
LINE = "#333333"
WIDTH_PX, HEIGHT_PX, DPI = 720, 540, 100
TITLE_PT, AXIS_PT, TICK_PT, LABEL_PT, LEGEND_PT, NOTE_PT = 17, 13, 12, 11.5, 12, 11
LABEL_WIDTH, LABEL_LINES = 16, 2
Y_LIMIT = 7.2
STYLE = {
    "high": {"color": BLUE, "marker": "^", "markersize": 14},
    "low": {"color": VERMILLION, "marker": "v", "markersize": 14},
    "neutral": {"color": GREY, "marker": "o", "markersize": 11},
}


def _chart_texts(lang: str) -> dict[str, Any]:
    return texts(check_language(lang))["chart"]


def _kind(feeling: int) -> str:
    return "high" if feeling > 0 else "low" if feeling < 0 else "neutral"


def chart_series(points: list[dict[str, Any]], birth_year: int | None = None
                 ) -> tuple[str, list[tuple[float, dict[str, Any]]], list[dict[str, Any]]]:
    """(axis, [(x, point), ...] in time order, points not drawn).

    The axis is "age" or "year" when every drawn point has one (with a birth year, given or
    inferred, both are known and the kind most points were given in wins); otherwise "order", where
    x is the position 1, 2, 3 ... in time order. Points without a time or a feeling are not drawn.
    """
    by = birth_year if birth_year is not None else infer_birth_year(points)
    ordered = [fill_when_fields(dict(p), by) for p in sort_points(points, by)]
    drawn = [p for p in ordered if p.get("feeling") is not None
             and (p.get("age") is not None or p.get("year") is not None)]
    skipped = [p for p in ordered if p not in drawn]
    if drawn and all(p.get("age") is not None for p in drawn) and all(p.get("year") is not None for p in drawn):
        years_said = sum(1 for p in drawn if p.get("said") == "year")
        axis = "year" if years_said > len(drawn) - years_said else "age"
    elif drawn and all(p.get("age") is not None for p in drawn):
        axis = "age"
    elif drawn and all(p.get("year") is not None for p in drawn):
        axis = "year"
    else:
        axis = "order"
    if axis == "order":
        return axis, [(float(i), p) for i, p in enumerate(drawn, start=1)], skipped
    return axis, [(float(p[axis]), p) for p in drawn], skipped


def ordered_x(points: list[dict[str, Any]], birth_year: int | None = None) -> list[float]:
    """The x values of the drawn points, in the order the line joins them."""
    return [x for x, _ in chart_series(points, birth_year)[1]]


def _short(label: str, lang: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """The label wrapped to at most *lines* lines of about *width* characters, "…" where cut."""
    text = one_line(label or "") or texts(lang)["no_label"]
    wrapped = textwrap.wrap(text, width=width, break_long_words=True) or [text]
    if len(wrapped) > lines:
        last = wrapped[lines - 1]
        wrapped = wrapped[:lines - 1] + [last[:width - 1].rstrip() + "…"]
    return "\n".join(wrapped)


def _tick_text(p: dict[str, Any]) -> str:
    return str(p["age"]) if p.get("said") != "year" and p.get("age") is not None else str(p.get("year"))


def lifeline_png(points: list[dict[str, Any]], lang: str = "en", *, birth_year: int | None = None) -> bytes:
    """A 720 x 540 px PNG of the lifeline."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, MaxNLocator

    t = _chart_texts(lang)
    axis, series, skipped = chart_series(points, birth_year)
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()

    fig.text(0.5, 1 - 10 / HEIGHT_PX, t["title"], ha="center", va="top", fontsize=TITLE_PT, color="#222222")
    bottom_px = 8.0
    if skipped:
        items = ", ".join(textwrap.shorten(format_label(p, lang), 28, placeholder="…") for p in skipped)
        note = fig.text(0.5, bottom_px / HEIGHT_PX, textwrap.fill(t["not_drawn"].format(items=items), 80),
                        ha="center", va="bottom", fontsize=NOTE_PT, color=GREY, multialignment="center")
        bottom_px += note.get_window_extent(renderer).height + 4
    kinds = [k for k in ("high", "neutral", "low") if any(_kind(p["feeling"]) == k for _, p in series)]
    if kinds:
        handles = [Line2D([], [], linestyle="none", markeredgecolor="white", label=t[k],
                          **{**STYLE[k], "markersize": STYLE[k]["markersize"] - 2}) for k in kinds]
        legend = fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, bottom_px / HEIGHT_PX),
                            ncol=len(handles), fontsize=LEGEND_PT, frameon=False, borderaxespad=0.0,
                            handletextpad=0.4, columnspacing=1.6)
        bottom_px += legend.get_window_extent(renderer).height + 6
    left_px, right_px, top_px = 78.0, 22.0, 48.0
    axis_bottom_px = bottom_px + 52.0  # room for tick labels and the x-axis title
    ax = fig.add_axes((left_px / WIDTH_PX, axis_bottom_px / HEIGHT_PX,
                       1 - (left_px + right_px) / WIDTH_PX, 1 - (axis_bottom_px + top_px) / HEIGHT_PX))

    ax.set_ylim(-Y_LIMIT, Y_LIMIT)
    ax.axhspan(0, Y_LIMIT, color=BLUE, alpha=0.06, zorder=0, linewidth=0)
    ax.axhspan(-Y_LIMIT, 0, color=VERMILLION, alpha=0.06, zorder=0, linewidth=0)
    ax.axhline(0, color=GREY, linewidth=1.6, zorder=1)
    ax.yaxis.set_major_locator(FixedLocator(list(range(-5, 6))))
    ax.set_yticklabels([format_feeling(v) for v in range(-5, 6)], fontsize=TICK_PT - 1)
    ax.set_ylabel(t["y_label"], fontsize=AXIS_PT)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=TICK_PT)
    ax.set_xlabel(t[{"age": "x_age", "year": "x_year", "order": "x_order"}[axis]], fontsize=AXIS_PT)

    if not series:
        ax.set_xlim(0, 1)
        ax.set_xticks([])
        ax.text(0.5, 0.5, t["empty"], transform=ax.transAxes, ha="center", va="center", fontsize=AXIS_PT,
                color=GREY)
        return _png(canvas)

    xs = [x for x, _ in series]
    ys = [float(p["feeling"]) for _, p in series]
    lo, hi = min(xs), max(xs)
    pad = max((hi - lo) * 0.09, 1.5 if axis != "order" else 0.6)
    ax.set_xlim(lo - pad, hi + pad)
    distinct = sorted(set(xs))
    if axis == "order":
        step = max(1, -(-len(series) // 10))
        ax.xaxis.set_major_locator(FixedLocator(xs[::step]))
        ax.set_xticklabels([_tick_text(p) for _, p in series][::step])
    elif len(distinct) <= 8 and _spread_enough(distinct, ax, renderer):
        ax.xaxis.set_major_locator(FixedLocator(distinct))
        ax.set_xticklabels([str(int(x)) for x in distinct])
    else:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=7, integer=True))

    ax.plot(xs, ys, color=LINE, linewidth=2.6, zorder=2, solid_joinstyle="round")
    for x, p in series:
        style = STYLE[_kind(p["feeling"])]
        ax.plot([x], [p["feeling"]], linestyle="none", markeredgecolor="white", markeredgewidth=1.5,
                zorder=6, clip_on=False, **style)  # above the labels: a label never hides a point
    _place_labels(ax, renderer, series, lang)
    return _png(canvas)


def _spread_enough(xs: list[float], ax: Any, renderer: Any) -> bool:
    """Whether ticks at every x stay at least 40 px apart (else a regular scale is used)."""
    if len(xs) < 2:
        return True
    ax.set_xlim(*ax.get_xlim())
    to_px = ax.transData.transform
    px = [to_px((x, 0))[0] for x in xs]
    return min(b - a for a, b in zip(px, px[1:], strict=False)) >= 40


def _overlap(a: Any, b: Any) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _place_labels(ax: Any, renderer: Any, series: list[tuple[float, dict[str, Any]]], lang: str) -> None:
    """Put each label above (high, in between) or below (low) its point, moving it further out, to
    the other side or sideways when it would cover another label, a marker or the line, or leave
    the plot area. A label that had to move away from its point gets a thin leader line."""
    from matplotlib.transforms import Bbox

    area = ax.get_window_extent(renderer)
    bounds = Bbox.from_extents(area.x0 + 2, area.y0 + 2, ax.figure.bbox.width - 2, area.y1 - 1)
    to_px = ax.transData.transform
    centres = [to_px((x, p["feeling"])) for x, p in series]
    markers = [Bbox.from_bounds(cx - 9, cy - 9, 18, 18) for cx, cy in centres]
    line_boxes = []  # the line between points, sampled, so labels try not to sit on it
    for (x0, y0), (x1, y1) in zip(centres, centres[1:], strict=False):
        for i in range(1, 10):
            fx, fy = x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * i / 10
            line_boxes.append(Bbox.from_bounds(fx - 2, fy - 2, 4, 4))
    placed: list[Any] = []
    style = {"textcoords": "offset points", "ha": "center", "va": "bottom", "fontsize": LABEL_PT, "color": "#111111",
             "zorder": 5, "annotation_clip": False, "linespacing": 1.05,
             "bbox": {"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8, "edgecolor": "none"}}
    per_point = area.width / max(1, len(series))
    compact = per_point < 40  # very crowded: one short line per label from the start
    for x, p in series:
        label = p.get("label") or ""
        tries = [_short(label, lang, width=14, lines=1), _short(label, lang, width=10, lines=1)]
        if not compact:
            tries.insert(0, _short(label, lang))
        for text in dict.fromkeys(tries):
            ann = ax.annotate(text, (x, p["feeling"]), xytext=(0, 0), **style)
            best, best_cost, best_clash = _CANDIDATES[0], float("inf"), 0.0
            for rank, (dx, dy, ha, va) in enumerate(_candidates(p["feeling"] >= 0)):
                ann.set_position((dx, dy))
                ann.set_ha(ha)
                ann.set_va(va)
                box = ann.get_window_extent(renderer)
                inside = bounds.contains(box.x0, box.y0) and bounds.contains(box.x1, box.y1)
                clash = sum(_overlap(box, b) for b in placed) + sum(_overlap(box, m) for m in markers)
                cost = (0.0 if inside else 1e6) + 10 * clash + sum(_overlap(box, lb) for lb in line_boxes) + 2 * rank
                if cost < best_cost:
                    best, best_cost, best_clash = (dx, dy, ha, va), cost, clash if inside else float("inf")
                if cost <= 2 * rank:
                    break
            ann.remove()
            if best_clash <= 40:  # fits without covering another label or a point
                break
        else:
            continue  # no place for it: the point stays unlabelled (the text version has every label)
        dx, dy, ha, va = best
        near = (dx == 0 and abs(dy) == 12) or dy == 0
        final = ax.annotate(text, (x, p["feeling"]), xytext=(dx, dy), **{**style, "ha": ha, "va": va},
                            arrowprops=None if near else {"arrowstyle": "-", "color": GREY, "linewidth": 0.9,
                                                           "shrinkA": 1, "shrinkB": 9})
        placed.append(final.get_window_extent(renderer))


# Label places around a point, in points: (dx, dy, ha, va) with dy > 0 above. The preferred side
# (above for highs, below for lows) first, then beside the point, then further out, then the other side.
_CANDIDATES = [(0, 12, "center", "bottom"), (12, 0, "left", "center"), (-12, 0, "right", "center"),
               (-45, 12, "center", "bottom"), (45, 12, "center", "bottom"), (0, 34, "center", "bottom"),
               (-45, 34, "center", "bottom"), (45, 34, "center", "bottom"), (0, 58, "center", "bottom"),
               (-60, 58, "center", "bottom"), (60, 58, "center", "bottom")]


def _candidates(up: bool) -> list[tuple[int, int, str, str]]:
    def flip(c: tuple[int, int, str, str]) -> tuple[int, int, str, str]:
        dx, dy, ha, va = c
        return (dx, -dy, ha, "top" if va == "bottom" else va)
    preferred = _CANDIDATES if up else [flip(c) for c in _CANDIDATES]
    other = [flip(c) for c in _CANDIDATES if c[1] != 0] if up else [c for c in _CANDIDATES if c[1] != 0]
    return preferred + other


def _png(canvas: Any) -> bytes:
    buf = io.BytesIO()
    canvas.print_png(buf)
    return buf.getvalue()


def lifeline_alt_text(points: list[dict[str, Any]], lang: str = "en", *, birth_year: int | None = None) -> str:
    """The lifeline as text: every point in time order, with its time, words and feeling."""
    alt = _chart_texts(lang)["alt"]
    by = birth_year if birth_year is not None else infer_birth_year(points)
    ordered = [fill_when_fields(dict(p), by) for p in sort_points(points, by)]
    if not ordered:
        return alt["intro_empty"]
    _, series, _ = chart_series(points, birth_year)
    timed = [p for p in ordered if p.get("age") is not None or p.get("year") is not None] or ordered
    first, last = _inline(format_when(timed[0], lang)), _inline(format_when(timed[-1], lang))
    intro = alt["intro_single"] if first == last else alt["intro"]
    parts = [intro.format(count=count_phrase(len(ordered), lang), first=first, last=last)]
    drawn_keys = {_identity(p) for _, p in series}
    for i, p in enumerate(ordered, start=1):
        key = "item" if p.get("feeling") is not None else "item_no_feeling"
        line = alt[key].format(number=i, when=format_when(p, lang), label=format_label(p, lang),
                               feeling=format_feeling(p.get("feeling")))
        if _identity(p) not in drawn_keys:
            line = f"{line[:-1] if line.endswith('.') else line} {alt['not_drawn']}."
        parts.append(line)
    return " ".join(parts)


def _identity(p: dict[str, Any]) -> tuple[Any, ...]:
    return (p.get("age"), p.get("year"), p.get("label"), p.get("feeling"))


def _inline(s: str) -> str:
    """"Age 7" inside a sentence: "age 7" (a capital only where a sentence starts)."""
    return s[:1].lower() + s[1:] if len(s) > 1 and s[:1].isupper() and s[1:2].islower() else s
