"""The report's six figures and its Table 1, redrawn from the project's tables.

Each ``fig0N_…`` function takes the loaded DataFrames (as returned by the ``analysis.load_…`` loaders)
and returns a :class:`matplotlib.figure.Figure`; it neither saves nor shows it. The companion
``…_data`` functions return the numbers each figure draws, so a reader (or a test) can check them
without looking at pixels. Where the report's figure rests on values its text does not publish, the
figure draws only what the text (or a named public source) gives and says so in its caption note.

Figures (file stem → function)::

    fig01-digital-technology-timeline   fig01_timeline(milestones, captions)
    fig02-provincial-service-levels     fig02_provincial_levels(levels, captions)
    fig03-provincial-licensing          fig03_licensing(indicators, captions)
    fig04-intelligent-services-coverage fig04_intelligent_coverage(indicators, captions)
    fig05-blockchain-projects           fig05_blockchain_projects(indicators, captions)
    fig06-rules-framework               fig06_rules_framework(documents, captions)
    table01-internet-plus-rules         table01_figure(documents, captions)

``captions`` is the frame of :func:`analysis.load_captions`; when omitted it is loaded.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from ..plotting import CATEGORY_COLORS, ENGLISH, NEUTRAL, RULE_LINE_COLORS, TECH_COLORS, caption, title

#: File stem of every figure this module draws, keyed by the report's figure/table label.
FIGURE_FILES = {
    "图1": "fig01-digital-technology-timeline",
    "图2": "fig02-provincial-service-levels",
    "图3": "fig03-provincial-licensing",
    "图4": "fig04-intelligent-services-coverage",
    "图5": "fig05-blockchain-projects",
    "图6": "fig06-rules-framework",
    "表1": "table01-internet-plus-rules",
}

STAGES = ("早期信息化", "电子政务", "数字政府")
#: The report's three stages as a warm-grey ramp (dark = latest), so that no stage reads as a technology (the earlier
#: steel blues sat ΔE 21 and 39 from the Internet blue; tests/test_figure_colours.py checks every figure's pixels).
STAGE_COLORS = {"早期信息化": "#CFC8BC", "电子政务": "#A3957F", "数字政府": "#6B5E4B"}
STAGE_EN = {"早期信息化": "Early informatisation", "电子政务": "E-government", "数字政府": "Digital government"}
LEVELS = ("非常高", "高", "中", "低")
#: Capability levels as a grey scale (dark = very high): a sequential scale, not the Internet blue.
LEVEL_COLORS = {"非常高": "#252525", "高": "#636363", "中": "#A6A6A6", "低": "#D9D9D9"}
#: Number of provincial units assessed each year (31 provinces + Xinjiang Production and Construction Corps).
N_PROVINCIAL_UNITS = 32
COMMON_CATEGORIES = ("立项建设", "运营管理", "数据治理", "安全管理", "数字鸿沟")
TECH_CATEGORIES = ("互联网", "大数据", "人工智能", "区块链")
#: Indicator shown in Fig. 4 though not tagged 图4: the sentence just before the ratio, same paragraph (p. 9).
FIG4_CONTEXT_IDS = ("ind-039",)
_GREY_TEXT = "#555555"
#: English beside the report's hedged values drawn in Fig. 4.
_HEDGE_EN = {"两倍以上": "at least twice", "约一半": "about half"}
#: A white box behind a label, so that reference lines (stage boundaries) do not run through the text.
_ON_WHITE = dict(boxstyle="square,pad=0.08", fc="white", ec="none")


# ----------------------------------------------------------------------------- helpers
def _caption_row(captions: pd.DataFrame | None, kind: str, number: int) -> pd.Series:
    if captions is None:
        from .loaders import load_captions

        captions = load_captions()
    rows = captions[(captions["kind"] == kind) & (captions["number"] == number)]
    if len(rows) != 1:
        raise ValueError(f"report_captions: expected one row for {kind}{number}, found {len(rows)}")
    return rows.iloc[0]


def _source(cap: pd.Series, extra: str = "") -> str:
    label = f"{cap['kind']}{int(cap['number'])}"
    text = f"{cap['source']}（报告{label}，第{int(cap['page'])}页）"
    return text + (f"; {extra}" if extra else "")


def _require(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{name}: missing column(s) {missing}; pass the frame returned by analysis.load_{name}()")


def figure_indicators(indicators: pd.DataFrame, figure: str) -> pd.DataFrame:
    """Indicators the curators tagged as feeding a report figure (``figure == "图N"``).

    Returns
    -------
    DataFrame
        The matching rows of the indicators table, sorted by ``indicator_id``.
    """
    _require(indicators, ["indicator_id", "figure", "value"], "indicators")
    rows = indicators[indicators["figure"].astype("string") == figure]
    return rows.sort_values("indicator_id", kind="stable").reset_index(drop=True)


def rows_page(indicators: pd.DataFrame, ids) -> list[int]:
    """Printed pages of the given indicator ids (for source lines)."""
    sel = indicators[indicators["indicator_id"].isin(list(ids))]
    return [int(p) for p in sel["page"].dropna()]


# ----------------------------------------------------------------------------- Fig. 1
def event_technologies(technology: str | None) -> list[str]:
    """The report's four technologies named in a ';'-separated ``technology`` cell, in its order."""
    if technology is None or pd.isna(technology):
        return []
    return [t for t in str(technology).split(";") if t in TECH_COLORS]


def timeline_data(milestones: pd.DataFrame) -> pd.DataFrame:
    """Stages and events of Fig. 1 in drawing order (stages first, then events by year; undated last).

    Returns
    -------
    DataFrame
        ``milestone_id``, ``kind``, ``stage``, ``year_start``, ``year_end``, ``date_text``, ``date_precision``,
        ``event_zh``, ``technology``, ``techs`` (list of the four report technologies named) and ``color``
        (TECH_COLORS of the first of them, NEUTRAL when none; the stage colour for stage rows).
    """
    _require(milestones, ["milestone_id", "kind", "stage", "year_start", "year_end", "event_zh", "technology"],
             "milestones")
    cols = ["milestone_id", "kind", "stage", "year_start", "year_end", "date_text", "date_precision",
            "event_zh", "technology"]
    m = milestones[cols].copy()
    m["kind"] = m["kind"].astype("string")
    m["stage"] = m["stage"].astype("string")
    m["date_precision"] = m["date_precision"].astype("string")
    m["_undated"] = m["year_start"].isna()
    m["_stage_order"] = m["stage"].map({s: i for i, s in enumerate(STAGES)})
    stages = m[m["kind"] == "stage"].sort_values(["_stage_order", "milestone_id"], kind="stable")
    events = m[m["kind"] == "event"].sort_values(["_undated", "year_start", "milestone_id"], kind="stable")
    out = pd.concat([stages, events]).drop(columns=["_undated", "_stage_order"]).reset_index(drop=True)
    out["techs"] = [event_technologies(t) for t in out["technology"]]
    out["color"] = [STAGE_COLORS[s] if k == "stage" else (TECH_COLORS[t[0]] if t else NEUTRAL)
                    for k, s, t in zip(out["kind"], out["stage"], out["techs"])]
    return out


#: The technologies the report's history names, in the order they enter it (swimlanes of Fig. 1).
TECH_LANES = ("计算机", "互联网", "移动互联网", "大数据", "云计算", "人工智能", "区块链")
LANE_EN = {"计算机": "Computers", "移动互联网": "Mobile Internet", "云计算": "Cloud computing",
           **{t: ENGLISH[t] for t in TECH_CATEGORIES}}
#: Lanes that are not one of the report's four technologies are drawn in a neutral tone.
LANE_NEUTRAL = "#5A5A5A"


def technology_lanes_data(milestones: pd.DataFrame) -> pd.DataFrame:
    """One row per (milestone, technology it names) for the swimlanes of Fig. 1.

    Every technology in the ``technology`` cell counts (计算机, 移动互联网 and 云计算 too, not only the four);
    a stage row naming a technology (the first stage: 计算机) is included with ``kind`` ``"stage"``.

    Returns
    -------
    DataFrame
        ``lane``, ``milestone_id``, ``kind``, ``year_start``, ``year_end``, ``date_text``, ``date_precision``,
        ``stage``, ``event_zh``, ``color`` (TECH_COLORS for the four technologies, LANE_NEUTRAL otherwise),
        sorted by lane order, then year (undated last), then milestone_id.
    """
    _require(milestones, ["milestone_id", "kind", "technology", "year_start"], "milestones")
    rows = []
    for r in milestones.itertuples(index=False):
        if pd.isna(r.technology):
            continue
        for tech in str(r.technology).split(";"):
            if tech not in TECH_LANES:
                raise ValueError(f"milestones row {r.milestone_id}: technology {tech!r} is not one of {TECH_LANES}")
            rows.append({"lane": tech, "milestone_id": r.milestone_id, "kind": r.kind, "year_start": r.year_start,
                         "year_end": r.year_end, "date_text": r.date_text, "date_precision": r.date_precision,
                         "stage": r.stage, "event_zh": r.event_zh,
                         "color": TECH_COLORS.get(tech, LANE_NEUTRAL)})
    out = pd.DataFrame(rows)
    out["_lane"] = out["lane"].map(TECH_LANES.index)
    out["_undated"] = out["year_start"].isna()
    return (out.sort_values(["_lane", "_undated", "year_start", "milestone_id"], kind="stable")
            .drop(columns=["_lane", "_undated"]).reset_index(drop=True))


def _short(event_zh: str) -> str:
    """The head of an event's description (before its colon), for a label inside a lane."""
    return str(event_zh).split("：")[0]


def fig01_timeline(milestones: pd.DataFrame, captions: pd.DataFrame | None = None,
                   last_year: int = 2022) -> Figure:
    """Fig. 1 政府信息化建设中的数字技术应用演进: technology swimlanes under a thin band of the three stages.

    Top: the three stages the report names. The first stage *began* in the late 1970s to early 1980s (drawn
    faded and hatched over 1976–1983) and its end is not stated: drawn solid up to its last event the report
    files under it (1999) and dotted to the start of e-government (2001). The open third stage ends in an arrow.
    Middle: one lane per technology the report's history names (计算机 … 区块链), a dot at each dated event
    that names it (the four technologies in their colours, the others neutral), a faded whisker across a
    decade-precision date, and a hollow marker in a separate column for the two undated events of the
    digital-government stage. Bottom: the milestones that name no technology, as small grey ticks.
    """
    from matplotlib.lines import Line2D

    cap = _caption_row(captions, "图", 1)
    data = timeline_data(milestones)
    lanes = technology_lanes_data(milestones)
    stages = data[data["kind"] == "stage"]
    plain = data[(data["kind"] == "event") & (data["technology"].isna()) & data["year_start"].notna()]
    x0, x_undated = 1974, last_year + 4.0
    # a fixed layout, not the constraint solver: its sub-1e-6 jitter changed the SVG's clip-path ids between runs
    fig, (ax_s, ax_t, ax_p) = plt.subplots(
        3, 1, figsize=(9, 9.2), sharex=True, height_ratios=[len(stages) * 1.05, len(TECH_LANES), len(plain) * 0.62],
        layout="none")
    fig.subplots_adjust(left=0.2, right=0.98, top=0.93, bottom=0.1, hspace=0.06)
    # ---- stage band
    starts = {r.stage: int(r.year_start) for r in stages.itertuples()}
    ev = data[data["kind"] == "event"]
    last_event = ev.assign(last=ev["year_end"].fillna(ev["year_start"])).groupby("stage")["last"].max()
    for i, r in enumerate(stages.itertuples()):
        y = len(stages) - 1 - i
        start = int(r.year_start)
        later = [v for s, v in starts.items() if STAGES.index(s) > STAGES.index(r.stage)]
        kw = dict(height=0.42, color=r.color)
        if pd.notna(r.year_end):
            ax_s.barh(y, int(r.year_end) + 1 - start, left=start, **kw)
            end = int(r.year_end) + 1
        elif later:  # first stage: uncertain start, no stated end
            fuzzy_end = start + 13  # "70年代后期到80年代初": somewhere in 1976-1983
            solid_end = int(last_event.get(r.stage, start)) + 1
            ax_s.barh(y, fuzzy_end - (start + 6), left=start + 6, height=0.42, color=r.color, alpha=0.35,
                      hatch="////", edgecolor="white", lw=0)
            ax_s.barh(y, solid_end - fuzzy_end, left=fuzzy_end, **kw)
            ax_s.plot([solid_end, min(later)], [y, y], color=r.color, lw=3, ls=(0, (1, 1.5)))
            ax_s.text(start + 9.5, y - 0.25, "起点 start", fontsize=8, va="top", ha="center", color=_GREY_TEXT)
            ax_s.text(min(later) + 0.6, y, "终点未说明 end not stated", fontsize=8, va="center", ha="left",
                      color=_GREY_TEXT, bbox=_ON_WHITE)
            end = min(later)
        else:  # open stage
            end = last_year + 1
            ax_s.barh(y, end - start, left=start, **kw)
            ax_s.add_patch(FancyArrowPatch((end - 0.2, y), (end + 1.4, y), arrowstyle="-|>", mutation_scale=14,
                                           color=r.color, lw=0))
        label = f"{r.stage}阶段 {STAGE_EN[r.stage]}（{' '.join(str(r.date_text).split())}）"
        if pd.isna(r.year_end) and later:  # first stage: the bar spans the axis' left part, label above it
            ax_s.text(start + 6, y + 0.3, label, va="bottom", ha="left", fontsize=8.5)
        else:  # label left of the bar, on white so the stage boundaries do not cross it
            ax_s.text(start - 0.6, y, label, va="center", ha="right", fontsize=8.5,
                      bbox=_ON_WHITE)
    ax_s.set_ylim(-0.5, len(stages) - 0.05)
    ax_s.set_yticks([])
    ax_s.set_ylabel("阶段\nstages", rotation=0, ha="right", va="center", fontsize=9)
    # ---- technology lanes
    n = len(TECH_LANES)
    for i, lane in enumerate(TECH_LANES):
        y = n - 1 - i
        ax_t.axhline(y, color="#EEEEEE", lw=6, zorder=0, solid_capstyle="butt")
    flip, seen = {}, {}
    for r in lanes.itertuples():
        y = n - 1 - TECH_LANES.index(r.lane)
        first = r.milestone_id not in seen
        seen.setdefault(r.milestone_id, y)
        if not first:  # the same sentence names this technology too: join its dots, label it once
            xj = x_undated if pd.isna(r.year_start) else int(r.year_start)
            ax_t.plot([xj, xj], [y, seen[r.milestone_id]], color="#999999", lw=0.8, ls=":", zorder=1)
        if pd.isna(r.year_start):
            ax_t.plot([starts["数字政府"], x_undated], [y, y], color=r.color, lw=1.2, ls=":", zorder=1)
            ax_t.plot(x_undated, y, "o", ms=8, mfc="white", mec=r.color, mew=1.8, zorder=3)
            continue
        start = int(r.year_start)
        if r.date_precision == "decade":
            lo, hi = (start + 6, start + 13) if r.kind == "stage" else (start, start + 9)
            ax_t.plot([lo, hi], [y, y], color=r.color, lw=5, alpha=0.35, solid_capstyle="butt", zorder=2)
            x = (lo + hi) / 2
        else:
            x = start
        ax_t.plot(x, y, "o", ms=8, color=r.color, mec="white", mew=0.8, zorder=3)
        if not first:
            continue
        k = flip.get(r.lane, 0)
        flip[r.lane] = k + 1
        dy = 0.26 if k % 2 == 0 else -0.26
        text = f"{_date_label(r.year_start, r.date_text, r.date_precision)} {_short(r.event_zh)}"
        ax_t.text(x, y + dy, text, fontsize=8, va="bottom" if dy > 0 else "top", ha="left", color="#222222",
                  bbox=_ON_WHITE)
    ax_t.set_yticks(range(n))
    ax_t.set_yticklabels([f"{t} {LANE_EN[t]}" for t in TECH_LANES[::-1]], fontsize=9)
    for tick, lane in zip(ax_t.get_yticklabels(), TECH_LANES[::-1]):
        tick.set_color(TECH_COLORS[lane] if lane in TECH_COLORS else LANE_NEUTRAL)
    ax_t.set_ylim(-0.7, n - 0.4)
    ax_t.text(x_undated, n - 0.55, "未注明年份\nundated", ha="center", va="bottom", fontsize=8, color=_GREY_TEXT,
              bbox=_ON_WHITE)
    # ---- milestones naming no technology
    m = len(plain)
    for j, r in enumerate(plain.itertuples()):
        y = m - 1 - j
        start = int(r.year_start)
        if r.date_precision == "decade":
            ax_p.plot([start, start + 9], [y, y], color=NEUTRAL, lw=4, alpha=0.35, solid_capstyle="butt")
            x = start + 4.5
        elif pd.notna(r.year_end):
            ax_p.plot([start, int(r.year_end)], [y, y], color=NEUTRAL, lw=4, solid_capstyle="round")
            x = (start + int(r.year_end)) / 2
        else:
            x = start
        ax_p.plot(x, y, "|", ms=9, mew=2, color=NEUTRAL)
        label = f"{_date_label(r.year_start, r.date_text, r.date_precision)}  {r.event_zh}"
        if x < 2004:
            ax_p.text(x + (5.4 if r.date_precision == "decade" else 0.8), y, label, va="center", fontsize=8,
                      bbox=_ON_WHITE)
        else:
            ax_p.text(x - 0.8, y, label, va="center", ha="right", fontsize=8, bbox=_ON_WHITE)
    ax_p.set_ylim(-0.7, m - 0.3)
    ax_p.set_yticks([])
    ax_p.set_ylabel("未点名技术的\n里程碑\nmilestones\nnaming no\ntechnology", rotation=0, ha="right",
                    va="center", fontsize=9)
    for ax in (ax_s, ax_t, ax_p):
        ax.grid(False)
        ax.spines["left"].set_visible(False)
        for boundary in sorted(set(starts.values()))[1:]:
            ax.axvline(boundary, color="#CCCCCC", lw=0.8, ls="--", zorder=0)
        ax.axvline(last_year + 2.0, color="#CCCCCC", lw=0.8, ls=":", zorder=0)
    for ax in (ax_s, ax_t):
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="x", length=0)
    ticks = list(range(1975, last_year - 4, 5)) + [last_year]
    ax_p.set_xticks(ticks)
    ax_p.set_xticklabels([str(t) for t in ticks], fontsize=9)
    ax_p.set_xlim(x0, x_undated + 1.5)
    ax_p.set_xlabel("年份 year")
    handles = [Line2D([], [], marker="o", ls="", ms=7, color=LANE_NEUTRAL, label="有年份的事件 dated event"),
               Line2D([], [], marker="o", ls="", ms=7, mfc="white", mec=LANE_NEUTRAL, mew=1.5,
                      label="未注明年份（数字政府阶段）undated (digital-gov. stage)"),
               Line2D([], [], lw=5, alpha=0.35, color=LANE_NEUTRAL, label="仅给出年代 only a decade given")]
    # below the x axis, where it covers no lane
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.2, 0.0), ncol=3, fontsize=8, frameon=False,
               handlelength=1.6, columnspacing=1.2)
    title(ax_s, cap["title"], "Digital technologies in Chinese government: the report's three stages (top), the "
                              "technologies its history names (lanes)")
    caption(fig, _source(cap, "milestones.csv (one verbatim sentence per row)"),
            note="The report's own figure is an image; only the dates and events its text states are drawn. "
                 "Lanes: every technology a milestone's sentence names; the four technologies of the report in "
                 "their colours, 计算机, 移动互联网 and 云计算 in grey; a dotted vertical line joins the lanes of one sentence. "
                 "Hatched: the first stage began somewhere in the late 1970s to early 1980s; solid up to the last "
                 "event the report files under it (1999), dotted to 2001: the report gives no end. "
                 "2001 stands for '进入21世纪'.")
    return fig


def _date_label(year: int, date_text: str, precision: str) -> str:
    """The report's time expression, with the year drawn for it when the expression does not contain it."""
    text = " ".join(str(date_text).split())
    if precision == "decade" or str(int(year)) in text.replace(" ", ""):
        return text
    return f"{int(year)}（{text}）"


# ----------------------------------------------------------------------------- Fig. 2
def provincial_levels_data(levels: pd.DataFrame, years: range | None = None) -> pd.DataFrame:
    """Year × level grid of Fig. 2: number of provincial units per capability level.

    Parameters
    ----------
    levels : DataFrame
        ``analysis.load_provincial_levels()``.
    years : range, optional
        Years to show; default from the first to the last year in the table, so absent years appear.

    Returns
    -------
    DataFrame
        Index ``assessment_year``; columns 非常高, 高, 中, 低 (Int64, <NA> where no source states a count) and
        ``stated`` (number of units whose level a source states) and ``any_data`` (bool).
    """
    _require(levels, ["assessment_year", "level", "n_provinces"], "provincial_levels")
    lv = levels.assign(level=levels["level"].astype("string"))
    grid = lv.pivot(index="assessment_year", columns="level", values="n_provinces")
    if years is None:
        years = range(int(lv["assessment_year"].min()), int(lv["assessment_year"].max()) + 1)
    grid = grid.reindex(index=list(years), columns=list(LEVELS)).astype("Int64")
    grid.index.name = "assessment_year"
    grid.columns.name = None
    grid["stated"] = grid[list(LEVELS)].sum(axis=1, skipna=True).astype("Int64")
    grid["any_data"] = grid[list(LEVELS)].notna().any(axis=1)
    return grid


def fig02_provincial_levels(levels: pd.DataFrame, captions: pd.DataFrame | None = None) -> Figure:
    """Fig. 2 省级政府网上政务服务能力年度对比图: provincial units per level, for the years public sources give.

    Stacked bars of the stated counts; the units whose level is not stated (2016: all but 非常高) are an
    outlined, hatched remainder up to the 32 assessed units; years without any public count are empty
    dashed slots marked 无公开数据 (gaps, not zeros).
    """
    cap = _caption_row(captions, "图", 2)
    grid = provincial_levels_data(levels)
    fig, ax = plt.subplots(figsize=(8.6, 5.6))
    years = list(grid.index)
    for i, year in enumerate(years):
        row = grid.loc[year]
        if not row["any_data"]:
            ax.add_patch(Rectangle((i - 0.35, 0), 0.7, N_PROVINCIAL_UNITS, fill=False, ls="--", ec="#AAAAAA", lw=1))
            ax.text(i, N_PROVINCIAL_UNITS / 2, "无公开数据\nno public\ncount", ha="center", va="center",
                    fontsize=9, color="#888888", bbox=_ON_WHITE)
            continue
        bottom = 0
        for level in LEVELS:
            value = row[level]
            if pd.isna(value):
                continue
            ax.bar(i, int(value), bottom=bottom, width=0.7, color=LEVEL_COLORS[level], edgecolor="white",
                   label=f"{year}-{level}", gid=f"{year}-{level}")
            ax.text(i, bottom + int(value) / 2, f"{level}\n{int(value)}", ha="center", va="center", fontsize=9,
                    color="white" if level in ("非常高", "高") else "#111111")
            bottom += int(value)
        rest = N_PROVINCIAL_UNITS - bottom
        if rest > 0:
            ax.add_patch(Rectangle((i - 0.35, bottom), 0.7, rest, fill=False, hatch="//", ec="#999999", lw=0.8))
            ax.text(i, bottom + rest / 2, f"其余{rest}个\n等级未公开\nlevel not\nstated", ha="center",
                    va="center", fontsize=8.5, color="#444444",
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none"))
    ax.set_xticks(range(len(years)))
    ax.set_xticklabels([str(y) for y in years])
    ax.set_xlim(-0.6, len(years) - 0.4)
    ax.set_ylim(0, N_PROVINCIAL_UNITS + 1)
    ax.set_yticks([0, 8, 16, 24, 32])
    ax.set_ylabel("省级行政区数量（共32个） provincial units (32)")
    ax.set_xlabel("评估年份 (assessment year; report published the following year)")
    handles = [Rectangle((0, 0), 1, 1, color=LEVEL_COLORS[lv]) for lv in LEVELS[:3]]
    ax.grid(axis="x", visible=False)
    ax.legend(handles[::-1], ["中 medium", "高 high (80–90)", "非常高 very high (>90)"],
              loc="upper left", fontsize=9, bbox_to_anchor=(1.01, 1.0), title="能力等级 level", title_fontsize=9)
    title(ax, cap["title"], "Provincial units (31 provinces + Xinjiang Production and Construction Corps) per "
                            "online-service level, in the years public sources state")
    caption(fig, _source(cap, "counts from news reposts of the assessment reports (provincial_service_levels.csv, "
                              "source_url per row)"),
            note="The report's text gives no values for this figure. 2017, 2018, 2020: no public count found, shown "
                 "as gaps, not zeros. 2016: only 非常高 = 3 (浙江, 贵州, 江苏) is stated. 低: no source states a "
                 "count; in 2019 and 2021 the stated levels already add up to 32, so none is implied at 低, but "
                 "this is not stated. 2021 is the renamed 一体化政务服务能力 index.")
    return fig


# ----------------------------------------------------------------------------- Fig. 3
def licensing_data(indicators: pd.DataFrame) -> pd.DataFrame:
    """The values of Fig. 3 the report's text gives: the two 2021 shares (indicators tagged 图3).

    Returns
    -------
    DataFrame
        ``indicator_id``, ``name_zh``, ``name_en``, ``value`` (percent), ``value_text``, ``year``, ``page``.
    """
    rows = figure_indicators(indicators, "图3")
    return rows[["indicator_id", "name_zh", "name_en", "value", "value_text", "year", "page"]]


def fig03_licensing(indicators: pd.DataFrame, captions: pd.DataFrame | None = None) -> Figure:
    """Fig. 3 2019-2021年我国省级行政许可事项办理情况: the two national shares for 2021 the text states.

    The report's figure shows per-province values for 2019–2021; those exist only in its image and are
    not drawn.
    """
    cap = _caption_row(captions, "图", 3)
    data = licensing_data(indicators)
    short = {"ind-031": "网上审批和\n“零跑动”\napproved online,\n'zero visits'",
             "ind-032": "网上受理和\n“最多跑一次”\naccepted online,\n'one visit at most'"}
    fig, ax = plt.subplots(figsize=(9, 3.9))
    labels = [short.get(i, n) for i, n in zip(data["indicator_id"], data["name_zh"])]
    ypos = np.arange(len(data))[::-1]
    ax.barh(ypos, 100, color="#EEEEEE", height=0.55)
    bars = ax.barh(ypos, data["value"].astype(float), color=TECH_COLORS["互联网"], height=0.55)
    for yv, value_text in zip(ypos, data["value_text"]):
        ax.text(1.5, yv, value_text, va="center", ha="left", color="white", fontsize=12)
    ax.set_yticks(ypos)
    ax.set_yticklabels(labels, fontsize=9.5)
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xticklabels([f"{v}%" for v in range(0, 101, 20)])
    ax.set_ylim(-0.9, 1.4)
    ax.text(99, -0.68, "分省及2019–2020年数值仅见于报告原图 per-province and 2019–2020 values: report image only",
            ha="right", va="center", fontsize=8.5, color=_GREY_TEXT, bbox=_ON_WHITE)
    ax.set_xlabel("占省级行政许可事项的比例（截至2021年底）share of provincial licensing items, end of 2021")
    ax.grid(axis="y", visible=False)
    bars.set_label("2021")
    title(ax, cap["title"], "Provincial administrative-licensing items handled online: the two 2021 shares "
                            "the text states")
    caption(fig, _source(cap, f"values: report p. {int(data['page'].iloc[0])} (indicators "
                              f"{', '.join(data['indicator_id'])})"),
            note="Only the 2021 national totals are drawn. The report's figure compares provinces over 2019–2021; "
                 "its per-province and 2019–2020 values exist only in the report's image (not in its text) and "
                 "are not reproduced here.")
    return fig


# ----------------------------------------------------------------------------- Fig. 4
def intelligent_coverage_data(indicators: pd.DataFrame) -> pd.DataFrame:
    """What the report's text states about Fig. 4: the 图4 indicators plus the preceding share (ind-039).

    Returns
    -------
    DataFrame
        ``indicator_id``, ``name_zh``, ``value``, ``value_text``, ``unit``, ``qualifier``, ``figure``, ``page``,
        sorted by ``indicator_id``.
    """
    _require(indicators, ["indicator_id", "figure"], "indicators")
    rows = indicators[(indicators["figure"].astype("string") == "图4")
                      | indicators["indicator_id"].isin(FIG4_CONTEXT_IDS)]
    cols = ["indicator_id", "name_zh", "value", "value_text", "unit", "qualifier", "figure", "page"]
    return rows.sort_values("indicator_id", kind="stable")[cols].reset_index(drop=True)


def fig04_intelligent_coverage(indicators: pd.DataFrame, captions: pd.DataFrame | None = None) -> Figure:
    """Fig. 4 不同地区政务服务智能化建设的覆盖情况: the two hedged statements the text makes.

    Left: coverage in the east and centre relative to the west (west = 1), a lower bound (两倍以上) drawn
    as a bar to 2 with an open arrow. Right: the share of provincial service websites with intelligent
    applications (约一半) as a point on a 0–100 % scale, no interval invented.
    """
    cap = _caption_row(captions, "图", 4)
    data = intelligent_coverage_data(indicators).set_index("indicator_id")
    ratio = data[data["unit"] == "倍"].iloc[0]
    share = data[data["unit"] == "%"].iloc[0]
    color = TECH_COLORS["人工智能"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 4.4), gridspec_kw={"width_ratios": [1.15, 1]})
    ax1.barh([1], [1], color=NEUTRAL, height=0.5)
    ax1.barh([0], [float(ratio["value"])], color=color, height=0.5)
    ax1.add_patch(FancyArrowPatch((float(ratio["value"]), 0), (float(ratio["value"]) + 0.8, 0),
                                  arrowstyle="-|>", mutation_scale=20, color=color, lw=2, ls="--"))
    ax1.text(1.04, 1, "1（基准 reference）", va="center", fontsize=10, bbox=_ON_WHITE)
    ax1.text(float(ratio["value"]) + 0.9, 0, f"≥{float(ratio['value']):g}\n（{ratio['value_text']}）\n{_HEDGE_EN.get(ratio['value_text'], '')}",
             va="center", fontsize=10.5, color=color, bbox=_ON_WHITE)
    ax1.set_yticks([0, 1])
    ax1.set_yticklabels(["东部和中部地区\neast & centre", "西部地区\nwest"], fontsize=10)
    ax1.set_xlim(0, 3.7)
    ax1.set_ylim(-0.6, 1.6)
    ax1.set_xticks([0, 1, 2, 3])
    ax1.set_xlabel("智能化应用覆盖率（西部 = 1）coverage relative to the west")
    ax1.grid(axis="y", visible=False)
    ax1.set_title("地区间相对覆盖率（下限） relative coverage (lower bound)", fontsize=10, loc="left", pad=6)
    ax2.plot([0, 100], [0, 0], color="#DDDDDD", lw=10, solid_capstyle="butt")
    ax2.plot([float(share["value"])], [0], "o", ms=16, color=color, mec="white", mew=1.5)
    ax2.text(float(share["value"]), 0.28,
             f"{share['value_text']}（≈{float(share['value']):g}%）\n{_HEDGE_EN.get(share['value_text'], '')}", ha="center",
             fontsize=11, color=color)
    ax2.set_xlim(-3, 103)
    ax2.set_ylim(-0.6, 0.8)
    ax2.set_yticks([])
    ax2.set_xticks(range(0, 101, 25))
    ax2.set_xticklabels([f"{v}%" for v in range(0, 101, 25)])
    ax2.grid(False)
    ax2.spines["left"].set_visible(False)
    ax2.set_xlabel("已部署智能化应用的省级政务服务网站占比\nshare of provincial service websites with intelligent apps")
    ax2.set_title("省级网站部署率（约数） websites with apps (approx.)", fontsize=10, loc="left", pad=6)
    fig.suptitle(f"{cap['title']}\n", x=0.01, ha="left", fontsize=13)
    fig.text(0.01, 0.905, "What the report's text states about regional coverage of intelligent government services: "
                          "a ratio with a lower bound and a rounded share", fontsize=9.5, color=_GREY_TEXT,
             ha="left", va="bottom")
    ids = ", ".join(data.index)
    caption(fig, _source(cap, f"values: report p. {int(ratio['page'])} ({ids}), credited to 中山大学、科大讯飞"
                              "《治理的数字化转型（2021）》"),
            note="No regional coverage rates are in the text: the report's figure is an image. Only the ratio "
                 "'两倍以上' (at least twice the west; the text does not say whether east and centre are each or "
                 "together at that level) and the share '约一半' (about half, no interval given) can be drawn.")
    return fig


# ----------------------------------------------------------------------------- Fig. 5
def blockchain_projects_data(indicators: pd.DataFrame) -> pd.DataFrame:
    """Government blockchain projects per year (indicators tagged 图5).

    Returns
    -------
    DataFrame
        ``year``, ``projects`` (Int64), ``value_text``, ``source_credited``, ``indicator_id``, sorted by year.
    """
    rows = figure_indicators(indicators, "图5")
    out = pd.DataFrame({"year": rows["year"].astype("Int64"), "projects": rows["value"].round().astype("Int64"),
                        "value_text": rows["value_text"], "source_credited": rows["source_credited"],
                        "indicator_id": rows["indicator_id"]})
    return out.sort_values("year", kind="stable").reset_index(drop=True)


def fig05_blockchain_projects(indicators: pd.DataFrame, captions: pd.DataFrame | None = None) -> Figure:
    """Fig. 5 近几年政务区块链项目数变化情况: projects per year, 2020 and 2021 (the years the text gives)."""
    cap = _caption_row(captions, "图", 5)
    data = blockchain_projects_data(indicators)
    fig, ax = plt.subplots(figsize=(7, 4.6))
    xs = [str(y) for y in data["year"]]
    ax.bar(xs, data["projects"].astype(int), width=0.55, color=TECH_COLORS["区块链"])
    for x, v, t in zip(xs, data["projects"].astype(int), data["value_text"]):
        ax.text(x, v + 1.5, t, ha="center", va="bottom", fontsize=12)
    ax.set_ylim(0, max(data["projects"].astype(int)) * 1.2)
    ax.set_ylabel("落地的政务区块链项目数（个） projects")
    ax.set_xlabel("年份 (year)")
    ax.grid(axis="x", visible=False)
    title(ax, cap["title"], "Government blockchain projects implemented in China per year")
    sources = "; ".join(f"{y}: {s}" for y, s in zip(data["year"], data["source_credited"]))
    pages = "/".join(str(p) for p in sorted(set(rows_page(indicators, data["indicator_id"]))))
    caption(fig, _source(cap, f"values: report p. {pages} ({', '.join(data['indicator_id'])})"),
            note=f"Only 2020 and 2021 are in the text; any other years of the report's figure are in its image only. "
                 f"The two counts are credited to different sources ({sources}), so their methods may differ.")
    return fig


# ----------------------------------------------------------------------------- Fig. 6
def framework_data(documents: pd.DataFrame, n_names: int = 3) -> pd.DataFrame:
    """Documents per rule line and category of Fig. 6 (each document counted once, where first discussed).

    Returns
    -------
    DataFrame
        ``rule_line``, ``category``, ``n_documents`` (Int64), ``examples`` (list of up to ``n_names`` short
        names in order of first page, then date published, then doc_id), ``color``; the five common-rule
        categories first, then the four technology categories, in the report's order.
    """
    _require(documents, ["doc_id", "short_name", "rule_line", "category", "first_page"], "documents")
    docs = documents[documents["rule_line"].notna()].copy()
    docs["category"] = docs["category"].astype("string")
    docs["rule_line"] = docs["rule_line"].astype("string")
    sort = ["first_page", "published", "doc_id"] if "published" in docs else ["first_page", "doc_id"]
    docs = docs.sort_values(sort, na_position="last", kind="stable")
    rows = []
    for line, cats in (("共性规则", COMMON_CATEGORIES), ("技术规则", TECH_CATEGORIES)):
        for cat in cats:
            sel = docs[(docs["rule_line"] == line) & (docs["category"] == cat)]
            color = CATEGORY_COLORS[cat] if line == "共性规则" else TECH_COLORS[cat]
            rows.append({"rule_line": line, "category": cat, "n_documents": len(sel),
                         "examples": list(sel["short_name"].head(n_names)), "color": color})
    out = pd.DataFrame(rows)
    out["n_documents"] = out["n_documents"].astype("Int64")
    return out


def _shorten(name: str, width: int = 24) -> str:
    name = str(name)
    return name if len(name) <= width else name[: width - 1] + "…"


def fig06_rules_framework(documents: pd.DataFrame, captions: pd.DataFrame | None = None) -> Figure:
    """Fig. 6 数字技术治理的制度体系架构: two lines of rules → nine categories → documents.

    A tree from the framework to its two rule lines and nine categories; each category box carries the
    number of documents the report discusses first under it, a bar of that number and up to three short names.
    """
    cap = _caption_row(captions, "图", 6)
    data = framework_data(documents)
    total = int(data["n_documents"].sum())
    # 9 in wide: x in inches, so every position below reads as a distance on the page
    fig, ax = plt.subplots(figsize=(9, 8.6), layout="none")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.02)
    ax.set_xlim(0, 9)
    n = len(data)
    gap = 0.5  # extra space between the two lines
    ys = [n - 1 - i + (gap if line == "共性规则" else 0) for i, line in enumerate(data["rule_line"])]
    ax.set_ylim(-0.55, max(ys) + 0.95)
    ax.axis("off")
    root_y = np.mean(ys)
    _box(ax, 0.56, root_y, f"数字技术治理\n制度体系\nrules\nframework\n{total}件 docs", "#222222", w=0.94, h=1.6,
         fontsize=9.5)
    max_n = int(data["n_documents"].max())
    for line in ("共性规则", "技术规则"):
        sub = [(y, r) for y, r in zip(ys, data.itertuples()) if r.rule_line == line]
        ly = np.mean([y for y, _ in sub])
        n_line = sum(int(r.n_documents) for _, r in sub)
        _link(ax, 1.06, root_y, 1.22, ly, RULE_LINE_COLORS[line])
        _box(ax, 1.82, ly, f"{line}\n{ENGLISH[line]}\n{n_line}件", RULE_LINE_COLORS[line], w=1.2, h=1.1,
             fontsize=9.5)
        for y, r in sub:
            _link(ax, 2.45, ly, 2.6, y, r.color)
            _box(ax, 3.5, y, f"{r.category}  {int(r.n_documents)}件", r.color, w=1.76, h=0.78, fontsize=10,
                 dy=0.13)
            ax.text(3.5, y - 0.2, ENGLISH[r.category], ha="center", va="center", fontsize=8,
                    color=_text_color(r.color))
            length = 1.0 * int(r.n_documents) / max_n
            ax.text(4.5 + length + 0.06, y, str(int(r.n_documents)), va="center", fontsize=9, color="#333333")
            ax.add_patch(Rectangle((4.5, y - 0.17), length, 0.34, color=r.color, alpha=0.85, lw=0,
                                   gid=f"bar-{r.category}"))
            names = "；".join(_shorten(s) for s in r.examples)
            more = int(r.n_documents) - len(r.examples)
            if more > 0:
                names += f" 等{int(r.n_documents)}件"
            ax.text(5.85, y, wrap_cjk(names, 28), va="center", fontsize=8, color="#222222", linespacing=1.25)
    ax.text(4.5, max(ys) + 0.5, "文件数\nnumber of\ndocuments", fontsize=8, color=_GREY_TEXT, va="bottom")
    ax.text(5.85, max(ys) + 0.5, "举例（报告简称）\nexamples, report's short names", fontsize=8, color=_GREY_TEXT,
            va="bottom")
    title(ax, cap["title"], "The report's two lines of rules for digital technology in government: categories "
                            "and the documents it discusses under each")
    caption(fig, _source(cap, "documents.csv (rule_line, category, short_name)"),
            note=f"Each of the {total} documents discussed in chapter 三 is counted once, under the subsection where "
                 "the report first discusses it (a document cited in several subsections counts only there). The "
                 "report's figure is a diagram without counts; counts and examples are this project's, from the "
                 "documents table. Examples are in the order of first mention (page).")
    return fig


def _box(ax, x, y, text, color, w, h, fontsize, dy=0.0):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03,rounding_size=0.12",
                                fc=color, ec="none"))
    ax.text(x, y + dy, text, ha="center", va="center", color=_text_color(color), fontsize=fontsize)


def _text_color(background: str) -> str:
    """White or near-black text, whichever contrasts more with the fill (WCAG relative luminance)."""
    from matplotlib.colors import to_rgb

    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(background))
    return "#111111" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 else "white"


def _link(ax, x0, y0, x1, y1, color):
    xm = (x0 + x1) / 2
    ax.plot([x0, xm, xm, x1], [y0, y0, y1, y1], color=color, lw=1.4, alpha=0.8, solid_joinstyle="round")


# ----------------------------------------------------------------------------- Table 1
def table1_data(documents: pd.DataFrame) -> pd.DataFrame:
    """The report's Table 1 中央出台的主要互联网融合应用制度规范, rebuilt from the documents table.

    Returns
    -------
    DataFrame
        ``序号`` (Int64), ``领域`` (table1_domain; the report leaves row 1 blank, stored as 总体), ``文件名称``
        (title), ``发布时间`` (date_published as the report prints it, 'YYYY年M月'), ``doc_id``; 20 rows in
        the report's order.
    """
    _require(documents, ["doc_id", "title", "table1_row", "table1_domain", "date_published"], "documents")
    rows = documents[documents["table1_row"].notna()].sort_values("table1_row", kind="stable")
    bad = rows[rows["date_published"].isna()]
    if len(bad):
        raise ValueError(f"documents: Table 1 rows without date_published: {list(bad['doc_id'])}")
    published = pd.to_datetime(rows["date_published"].str.slice(0, 7), format="%Y-%m")
    return pd.DataFrame({
        "序号": rows["table1_row"].astype("Int64").to_numpy(),
        "领域": rows["table1_domain"].astype("string").to_numpy(),
        "文件名称": rows["title"].astype("string").to_numpy(),
        "发布时间": [f"{d.year}年{d.month}月" for d in published],
        "doc_id": rows["doc_id"].astype("string").to_numpy(),
    })


def wrap_cjk(text: str, width: float) -> str:
    """Wrap mixed Chinese/ASCII text to lines of at most ``width`` Chinese-character widths.

    Chinese characters and full-width punctuation count 1, ASCII characters 0.55; runs of ASCII letters
    and digits (e.g. ``2018-2020``) are never split.
    """
    import re

    tokens = re.findall(r"[A-Za-z0-9.\-]+|.", str(text))
    lines, line, used = [], "", 0.0
    for tok in tokens:
        w = sum(0.55 if ord(ch) < 128 else 1.0 for ch in tok)
        if line and used + w > width:
            lines.append(line.rstrip())
            line, used = "", 0.0
            if tok == " ":
                continue
        line += tok
        used += w
    if line:
        lines.append(line.rstrip())
    return "\n".join(lines)


def table01_figure(documents: pd.DataFrame, captions: pd.DataFrame | None = None, wrap: float = 36) -> Figure:
    """Table 1 as a figure: a matplotlib table with wrapped titles, domains shown once per group."""
    cap = _caption_row(captions, "表", 1)
    data = table1_data(documents)
    wrapped = [wrap_cjk(t, wrap) for t in data["文件名称"]]
    lines = [w.count("\n") + 1 for w in wrapped]
    first_of_group = data["领域"] != data["领域"].shift()
    domains = [d if f else "" for d, f in zip(data["领域"], first_of_group)]
    cell_text = [[str(n), d, w, p] for n, d, w, p in zip(data["序号"], domains, wrapped, data["发布时间"])]
    unit = 0.24  # inches per text line
    heights = [unit * (k + 0.7) for k in lines]
    header_h = unit * 2.6  # two lines: Chinese heading, English beneath
    total_h = sum(heights) + header_h
    fig = plt.figure(figsize=(9, total_h + 1.0))
    ax = fig.add_subplot()
    ax.axis("off")
    col_w = [0.075, 0.155, 0.6, 0.17]
    table = ax.table(cellText=cell_text, colLabels=["序号\nNo.", "领域\ndomain", "文件名称\ntitle", "发布时间\npublished"], colWidths=col_w,
                     cellLoc="left", loc="upper center", bbox=[0, 0, 1, 1])
    table.auto_set_font_size(False)
    group = np.cumsum(first_of_group.to_numpy())
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("#CCCCCC")
        cell.set_linewidth(0.6)
        cell.PAD = 0.02
        cell.get_text().set_fontsize(10)
        if r == 0:
            cell.set_height(header_h / total_h)
            cell.set_facecolor("#3B3B3B")  # neutral header: the technology colours mean technologies only
            cell.get_text().set_color("white")
        else:
            cell.set_height(heights[r - 1] / total_h)
            cell.set_facecolor("#F2F2F2" if group[r - 1] % 2 else "white")
            if c == 1:
                cell.get_text().set_color("#3B3B3B")
        if c in (0, 3):
            cell.get_text().set_horizontalalignment("center")
            cell._loc = "center"
    ax.set_title(f"表{int(cap['number'])} {cap['title']}", loc="left", pad=22)
    ax.annotate("Main central rules on Internet-integrated applications (Internet Plus): the report's Table 1 "
                "rebuilt from data", xy=(0, 1), xycoords="axes fraction", xytext=(0, 5), textcoords="offset points",
                ha="left", va="bottom", fontsize=9.5, color=_GREY_TEXT)
    caption(fig, _source(cap, "documents.csv (table1_row, table1_domain, title, date_published)"),
            note="发布时间 as the report prints it (year and month). Row 1 has no domain in the report (general), "
                 "stored as 总体. Titles are the official titles as the report lists them.")
    return fig


def all_figures(*, milestones=None, levels=None, indicators=None, documents=None, captions=None) -> dict[str, Figure]:
    """Draw every figure; frames not passed are loaded. Returns {file stem: Figure} in FIGURE_FILES order."""
    from . import loaders

    milestones = loaders.load_milestones() if milestones is None else milestones
    levels = loaders.load_provincial_levels() if levels is None else levels
    indicators = loaders.load_indicators() if indicators is None else indicators
    documents = loaders.load_documents() if documents is None else documents
    captions = loaders.load_captions() if captions is None else captions
    return {
        FIGURE_FILES["图1"]: fig01_timeline(milestones, captions),
        FIGURE_FILES["图2"]: fig02_provincial_levels(levels, captions),
        FIGURE_FILES["图3"]: fig03_licensing(indicators, captions),
        FIGURE_FILES["图4"]: fig04_intelligent_coverage(indicators, captions),
        FIGURE_FILES["图5"]: fig05_blockchain_projects(indicators, captions),
        FIGURE_FILES["图6"]: fig06_rules_framework(documents, captions),
        FIGURE_FILES["表1"]: table01_figure(documents, captions),
    }
