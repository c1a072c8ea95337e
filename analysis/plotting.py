"""Plotting setup shared by every notebook: CJK font, theme, colours, deterministic figure files.

The one call at the top of a notebook is :func:`analysis.setup`. Figures are written with
:func:`save_figure`, which produces byte-identical PNG and SVG files across runs and processes.
"""
from __future__ import annotations

import io
import os
import random
import re
from pathlib import Path
from typing import Iterable

from .files import atomic_write
from .paths import FIGURES_DIR, output_path

#: Environment variable naming a font file (OTF/TTF/TTC) with Simplified-Chinese glyphs.
FONT_ENV_VAR = "ANALYSIS_CJK_FONT"

#: Font families tried on the system when neither the variable nor the pip font is available.
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei",
    "PingFang SC", "Heiti SC", "Sarasa Gothic SC",
)

SEED = 20221130  # fixed seed for every random process in the project (the report's release date, 2022-11)

#: One colour per technology (Okabe–Ito, safe for colour-blind readers), used by every figure.
TECH_COLORS = {
    "互联网": "#0072B2",
    "大数据": "#E69F00",
    "人工智能": "#009E73",
    "区块链": "#CC79A7",
}
#: One colour per common-rule category: earth tones and greys, so that none can be taken for one of the four
#: technology colours (an earlier set had a sky blue and a vermillion beside the Internet blue and big-data orange).
CATEGORY_COLORS = {
    "立项建设": "#8C6D31",
    "运营管理": "#B5A36B",
    "数据治理": "#6B6B6B",
    "安全管理": "#6E4C3A",
    "数字鸿沟": "#ABABAB",
}
#: The report's two lines of rules: two neutral tones, so that no colour suggests a technology.
RULE_LINE_COLORS = {"共性规则": "#3B3B3B", "技术规则": "#A3957F"}
#: English names used in subtitles and legends.
ENGLISH = {
    "互联网": "Internet", "大数据": "Big data", "人工智能": "Artificial intelligence", "区块链": "Blockchain",
    "立项建设": "Project approval & construction", "运营管理": "Operation & management",
    "数据治理": "Data governance", "安全管理": "Security management", "数字鸿沟": "Digital divide",
    "共性规则": "Common rules", "技术规则": "Technology rules",
    # Rothwell & Zegveld policy-instrument types and the coding guide's subtypes
    "供给型": "supply side", "环境型": "environment side", "需求型": "demand side",
    "人才培养": "talent", "资金投入": "funding", "技术支持": "technology support",
    "基础设施建设": "infrastructure", "公共服务": "public services", "信息支持": "information support",
    "目标规划": "goals & plans", "法规管制": "regulation", "标准规范": "standards", "金融税收": "finance & tax",
    "组织建设与考核评估": "organisation & evaluation", "策略性措施": "strategic measures",
    "政府采购": "procurement", "示范试点": "pilots", "服务外包": "outsourcing",
    "国际合作与贸易管制": "international cooperation & trade", "应用推广": "application & diffusion",
}
#: Rothwell & Zegveld policy-instrument types, kept apart from the technology and category colours (supply: a dark
#: slate, not the earlier indigo #332288, whose translucent interval bands came within ΔE 27 of the Internet blue).
INSTRUMENT_COLORS = {"供给型": "#2F4F4F", "环境型": "#999999", "需求型": "#999933"}
NEUTRAL = "#7F7F7F"
HIGHLIGHT = "#C00000"  # China in comparisons
#: Neutral colours for groups that are not technologies: regions, issuing levels, models, rule lines' partners.
#: Dark-to-light greys and one warm grey; never a technology colour (the rule: the four technology colours
#: mean the four technologies and nothing else).
GROUP_COLORS = ("#3B3B3B", "#A3957F", "#7F7F7F", "#C8C8C8")
#: Issuing levels (notebook 05): central documents dark, Shandong's warm grey.
ISSUER_COLORS = {"中央 central": "#3B3B3B", "山东 Shandong": "#A3957F"}
#: Networks: communities are told apart by marker shape and a grey tone, not by hue, so that no
#: community borrows a technology's colour. ``community_style(i)`` gives (colour, marker) for community i.
COMMUNITY_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h", "<", ">")
COMMUNITY_GREYS = ("#3B3B3B", "#8C7B62", "#6F6F6F", "#A3957F", "#505A64", "#9E9E9E")
#: Bands of a distribution (interquartile and 10–90 % ranges) drawn behind lines.
BAND_COLORS = {"iqr": "#BDBDBD", "p10_90": "#E6E6E6"}
#: Smallest type in a figure (source and note lines), in points, at the width the figure is shown.
MIN_FONT_PT = 8.0


def community_style(i: int) -> tuple[str, str]:
    """(colour, marker) of network community ``i``: neutral tones and distinct shapes, cycling."""
    return (COMMUNITY_GREYS[i % len(COMMUNITY_GREYS)], COMMUNITY_MARKERS[i % len(COMMUNITY_MARKERS)])


def palette() -> dict[str, str]:
    """All named colours of the project: technologies, rule categories and the two rule lines."""
    return {**TECH_COLORS, **CATEGORY_COLORS, **RULE_LINE_COLORS}


def _pip_font() -> Path | None:
    try:
        from importlib.resources import files
        path = Path(str(files("pylopdf_fonts_zh_cn") / "NotoSansSC-Regular.otf"))
    except (ModuleNotFoundError, FileNotFoundError, TypeError):
        return None
    return path if path.is_file() else None


def _system_font() -> Path | None:
    from matplotlib import font_manager

    by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for family in SYSTEM_CJK_FAMILIES:
        if family in by_name:
            return Path(by_name[family])
    return None


def cjk_font_path() -> Path:
    """Return the file of the CJK font the project draws with.

    Resolution order: the file named by ``$ANALYSIS_CJK_FONT``; Noto Sans SC from the
    ``pylopdf-fonts-zh-cn`` pip package (installed by requirements.txt); a CJK font known to
    matplotlib on this system.

    Raises
    ------
    FileNotFoundError
        If the variable names a missing file, or no CJK font is found at all; the message says how to fix it.
    """
    env = os.environ.get(FONT_ENV_VAR)
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise FileNotFoundError(
                f"{FONT_ENV_VAR}={env!r} does not name a font file. Point it at an .otf/.ttf/.ttc file with "
                "Simplified-Chinese glyphs, or unset it to use the pip-installed Noto Sans SC.")
        return path
    for finder in (_pip_font, _system_font):
        path = finder()
        if path is not None:
            return path
    raise FileNotFoundError(
        "No Simplified-Chinese font found. Install the project's requirements "
        "(`pip install -r requirements.txt`, which brings pylopdf-fonts-zh-cn with Noto Sans SC), "
        f"or set {FONT_ENV_VAR} to the path of a CJK font file (e.g. NotoSansCJK-Regular.ttc).")


def register_cjk_font() -> str:
    """Register the CJK font with matplotlib by file path and return its family name.

    ``fontManager.addfont`` adds this one file to the font list matplotlib loaded from its cache; the cache itself
    is neither rebuilt nor written. A file already registered is not read again (a second :func:`setup`).
    """
    return _register_font(cjk_font_path())[0]


def _register_font(path: Path) -> tuple[str, Path]:
    from matplotlib import font_manager

    fname = str(path)
    fm = font_manager.fontManager
    for entry in reversed(fm.ttflist):
        if entry.fname == fname:
            return entry.name, path
    fm.addfont(fname)
    for entry in reversed(fm.ttflist):      # the entry addfont just read (no second parse of a 10 MB font)
        if entry.fname == fname:
            return entry.name, path
    return font_manager.FontProperties(fname=fname).get_name(), path   # pragma: no cover - an AFM font


def use_cjk_font() -> str:
    """Register the CJK font and put it first in ``font.sans-serif`` without touching the rest of the theme.

    For drawing functions that may be called without :func:`setup` (e.g. from a script); raises the
    same actionable :class:`FileNotFoundError` as :func:`cjk_font_path` when no CJK font exists.
    """
    import matplotlib

    family = register_cjk_font()
    fams = list(matplotlib.rcParams.get("font.sans-serif", []))
    if family not in fams:
        matplotlib.rcParams["font.sans-serif"] = [family, *fams]
    matplotlib.rcParams["font.family"] = "sans-serif"
    return family


#: What ``seaborn.set_theme(style="whitegrid", context="notebook")`` (seaborn 0.13.2) sets in matplotlib's rcParams,
#: written out so that :func:`setup` needs no seaborn import (2.5 s of every kernel start: seaborn imports
#: scipy.stats). ``font.family``/``font.sans-serif`` are left out (:func:`theme_rc` sets them) and so is
#: ``image.cmap`` ("rocket", a colormap only seaborn's import registers; no figure of the project uses a default
#: colormap — matplotlib's viridis stays the default). tests/test_plotting.py checks this against seaborn.
SEABORN_WHITEGRID_RC = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
    "axes.labelsize": 12.0, "axes.linewidth": 1.25, "axes.titlesize": 12.0, "font.size": 12.0,
    "grid.color": ".8", "grid.linewidth": 1.0, "legend.fontsize": 11.0, "legend.title_fontsize": 12.0,
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True, "text.color": ".15",
    "xtick.bottom": False, "xtick.color": ".15", "xtick.labelsize": 11.0, "xtick.major.size": 6.0,
    "xtick.major.width": 1.25, "xtick.minor.size": 4.0, "xtick.minor.width": 1.0,
    "ytick.color": ".15", "ytick.labelsize": 11.0, "ytick.left": False, "ytick.major.size": 6.0,
    "ytick.major.width": 1.25, "ytick.minor.size": 4.0, "ytick.minor.width": 1.0,
}
#: seaborn's "deep" palette: the colour cycle ``set_theme`` installs, and (with a dark grey for "k") what its
#: ``set_color_codes`` makes of the one-letter colours "b", "g", "r", "m", "y", "c".
SEABORN_DEEP = ((0.2980392156862745, 0.4470588235294118, 0.6901960784313725),
                (0.8666666666666667, 0.5176470588235295, 0.3215686274509804),
                (0.3333333333333333, 0.6588235294117647, 0.40784313725490196),
                (0.7686274509803922, 0.3058823529411765, 0.3215686274509804),
                (0.5058823529411764, 0.4470588235294118, 0.7019607843137254),
                (0.5764705882352941, 0.47058823529411764, 0.3764705882352941),
                (0.8549019607843137, 0.5450980392156862, 0.7647058823529411),
                (0.5490196078431373, 0.5490196078431373, 0.5490196078431373),
                (0.8, 0.7254901960784313, 0.4549019607843137),
                (0.39215686274509803, 0.7098039215686275, 0.803921568627451))
SEABORN_COLOR_CODES = {"b": SEABORN_DEEP[0], "g": SEABORN_DEEP[2], "r": SEABORN_DEEP[3], "m": SEABORN_DEEP[4],
                       "y": SEABORN_DEEP[8], "c": SEABORN_DEEP[9], "k": (0.1, 0.1, 0.1)}


def apply_seaborn_theme() -> None:
    """The effect of ``seaborn.set_theme(style="whitegrid", context="notebook")`` on matplotlib, without importing
    seaborn (see :data:`SEABORN_WHITEGRID_RC`)."""
    import matplotlib
    from cycler import cycler
    from matplotlib import colors

    matplotlib.rcParams.update(SEABORN_WHITEGRID_RC)
    matplotlib.rcParams["axes.prop_cycle"] = cycler("color", list(SEABORN_DEEP))
    colors.colorConverter.colors.update(SEABORN_COLOR_CODES)


def theme_rc(family: str) -> dict:
    """The matplotlib rcParams of the project theme for a registered font family."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "axes.titlesize": 14,
        "axes.titleweight": "normal",  # the pip font ships one weight; "bold" would make findfont complain
        "axes.titlelocation": "left",
        "figure.titleweight": "normal",
        "axes.labelsize": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "figure.dpi": 100,
        "figure.figsize": (8.0, 4.8),
        "figure.constrained_layout.use": True,
        "savefig.dpi": 150,
        "savefig.facecolor": "white",
        "svg.fonttype": "path",
        "svg.hashsalt": "caict-2022-digital-governance",
        "pdf.fonttype": 42,
    }


_STATE: dict[str, str] = {}


def setup(*, seed: int = SEED, quiet_jieba: bool = True) -> None:
    """Prepare a session (notebook or script) the project's way. Safe to call more than once.

    - registers the CJK font by file path (see :func:`cjk_font_path`);
    - applies the seaborn theme (``whitegrid``, written out: :func:`apply_seaborn_theme`, no seaborn import)
      and then the project's rcParams so the font survives;
    - sets ``axes.unicode_minus=False`` so negative numbers need no U+2212 glyph;
    - fixes the seeds of :mod:`random` and NumPy;
    - sets pandas display options for readable, stable tables, and in IPython shows DataFrames with text columns
      left-aligned and numbers right-aligned, long text whole and line breaks kept (:mod:`analysis.display`;
      the ``text/plain`` repr is pandas' own);
    - silences jieba's loader, which otherwise prints to stderr inside notebooks.

    Returns nothing (so a notebook's first cell shows no machine-specific path); the registered
    font is available from :func:`font_info`.
    """
    import logging

    import matplotlib
    import numpy as np
    import pandas as pd

    _inline_backend_in_kernel()
    family, path = _register_font(cjk_font_path())
    apply_seaborn_theme()
    matplotlib.rcParams.update(theme_rc(family))

    random.seed(seed)
    np.random.seed(seed)

    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_rows", 40)
    pd.set_option("display.max_colwidth", 60)
    pd.set_option("display.width", 140)
    pd.set_option("display.precision", 4)
    from .display import install as _install_table_html

    _install_table_html()

    if quiet_jieba:
        # without importing jieba (0.2 s): its import sets its logger back to DEBUG, so besides the level a filter
        # (which the import leaves alone) keeps its loader's messages out of the notebook
        log = logging.getLogger("jieba")
        log.setLevel(logging.WARNING)
        if not any(isinstance(f, _QuietBelowWarning) for f in log.filters):
            log.addFilter(_QuietBelowWarning())
    _STATE.update(font_family=family, font_path=str(path))


class _QuietBelowWarning:
    """Logging filter dropping records below WARNING (jieba's loader messages)."""

    def filter(self, record) -> bool:
        return record.levelno >= 30


def font_info() -> dict[str, str]:
    """``font_family`` and ``font_path`` of the font registered by :func:`setup` (empty before it)."""
    return dict(_STATE)


def _inline_backend_in_kernel() -> None:
    """In a Jupyter kernel, draw inline even if MPLBACKEND=Agg was inherited (as under nbval)."""
    import sys

    if "ipykernel" not in sys.modules:
        return
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell":
        shell.run_line_magic("matplotlib", "inline")


def title(ax, zh: str, en: str | None = None) -> None:
    """Give an axes a bold Chinese title with an optional smaller English subtitle beneath it."""
    ax.set_title(zh, loc="left", pad=20 if en else 8)
    if en:
        ax.text(0.0, 1.0 + 0.012, en, transform=ax.transAxes, ha="left", va="bottom",
                fontsize=9.5, color="#555555", fontweight="normal")


def caption(fig, source: str, note: str | None = None, *, width: int = 110) -> None:
    """Put the data source (and an optional note) under a figure, left-aligned, wrapped at ``width`` characters.

    Type is 8 pt (:data:`MIN_FONT_PT`), legible when a figure of at most 9 inches is shown at its width.

    Uses ``fig.supxlabel``-free placement so constrained layout reserves room for it.
    """
    import textwrap

    text = "\n".join(textwrap.wrap(f"来源 Source: {source}", width=width))
    if note:
        text += "\n" + "\n".join(textwrap.wrap(note, width=width))
    fig.text(0.01, 0.0, text, ha="left", va="top", fontsize=MIN_FONT_PT, color="#555555",
             transform=fig.transFigure, wrap=False)


_CLIP_ID = re.compile(rb'<clipPath id="(p[0-9a-f]+)">')


def _stable_clip_ids(svg: bytes) -> bytes:
    """Number an SVG's clip paths in order of appearance (``clip1``, ``clip2`` …).

    matplotlib names a clip path by a hash of its rectangle at full float precision, so a difference far below
    what the file prints (1e-12 of a point, e.g. from a text extent measured in another process) renames it and
    changes the file; the order of the clip paths does not change.
    """
    ids = list(dict.fromkeys(_CLIP_ID.findall(svg)))
    for i, old in enumerate(ids, 1):
        svg = svg.replace(b'id="' + old + b'"', b'id="clip%d"' % i).replace(b"url(#" + old + b")", b"url(#clip%d)" % i)
    return svg


def save_figure(fig, name: str, *, formats: Iterable[str] = ("png", "svg"),
                directory: Path | str | None = None, dpi: int = 150) -> list[Path]:
    """Write ``figures/<name>.png`` and ``.svg``, byte-identical across runs and processes.

    PNG and SVG carry no software or date metadata, SVG ids use a fixed hash salt, the dpi is fixed
    and the figure is cropped to its content (``bbox_inches="tight"``). Each file is written to a
    temporary file in the same folder and renamed over the target, so a failed save leaves the
    previous file in place.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        File stem, e.g. ``"fig05-blockchain-projects"``; no folder, no extension.
    formats : iterable of str
        Any of ``"png"``, ``"svg"``.
    directory : path, optional
        Defaults to the repository's ``figures/`` (under ``$ANALYSIS_OUTPUT_DIR`` when that is set:
        see :func:`analysis.paths.output_path`).
    dpi : int
        Raster resolution of the PNG.

    Returns
    -------
    list of pathlib.Path
        The written files, in the order of ``formats``.
    """
    import matplotlib

    if "/" in name or "\\" in name or name.endswith((".png", ".svg")):
        raise ValueError(f"save_figure name must be a bare stem like 'fig01-timeline', got {name!r}")
    out_dir = Path(directory) if directory is not None else output_path(FIGURES_DIR)
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None, "Format": None, "Type": None},
    }
    paths = []
    with matplotlib.rc_context({"svg.hashsalt": "caict-2022-digital-governance", "svg.fonttype": "path"}):
        for fmt in formats:
            if fmt not in metadata:
                raise ValueError(f"unsupported figure format {fmt!r}; use 'png' or 'svg'")
            path = out_dir / f"{name}.{fmt}"
            buf = io.BytesIO()
            engine = fig.get_layout_engine()
            fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata[fmt], bbox_inches="tight", pad_inches=0.15)
            if engine is None and fig.get_layout_engine() is not None:
                # savefig(bbox_inches="tight") puts "no layout engine" back as the rcParams default, which the theme
                # makes constrained layout: a figure drawn with a fixed layout (fig01) would be re-laid out in the
                # next format and when the notebook shows it
                fig.set_layout_engine("none")
            data = _stable_clip_ids(buf.getvalue()) if fmt == "svg" else buf.getvalue()
            atomic_write(path, lambda fh, data=data: fh.write(data))
            paths.append(path)
    return paths


#: Positions tried around a mark by :func:`place_point_labels`, in order: (direction from the mark's centre to the
#: point on its edge where the label is anchored, x and y; the label's ha and va; a sideways shift of that anchor
#: in mark radii). Above first (a label reads best over its mark), then right, left, below, the four diagonals,
#: and above or below running off to one side.
LABEL_POSITIONS = (
    (0.0, 1.0, "center", "bottom", 0.0), (1.0, 0.0, "left", "center", 0.0), (-1.0, 0.0, "right", "center", 0.0),
    (0.0, -1.0, "center", "top", 0.0), (0.71, 0.71, "left", "bottom", 0.0), (-0.71, 0.71, "right", "bottom", 0.0),
    (0.71, -0.71, "left", "top", 0.0), (-0.71, -0.71, "right", "top", 0.0),
    *((0.0, uy, ha, va, sign * k) for uy, va in ((1.0, "bottom"), (-1.0, "top")) for k in (0.5, 1.0)
      for ha, sign in (("right", 1), ("left", -1))),
)


def place_point_labels(ax, texts, marks, *, obstacles=(), gap: float = 3.0, pad: float = 2.0,
                       reach: Iterable[float] = (12, 24, 36, 50, 65, 80)) -> list:
    """Put each label right beside its mark, at the first free one of :data:`LABEL_POSITIONS` (deterministic).

    Cartographers' point-label placement: the label touches its mark (a circle of radius ``r`` pixels), above it
    if there is room, else to the right, left, below, on a diagonal, or above or below running off to one side,
    so that no leader line is needed. Labels are placed in the order given (put the largest marks first); a
    position is free when the label's box stays inside the axes and covers no mark, no obstacle and no label
    placed before it. A label with no free place beside its mark is tried at the same positions moved ``reach``
    pixels further out, with a leader line from the mark's centre that may cross no other mark, no label and no
    other leader line; a
    label with no place at all is left where it was.

    Call ``fig.canvas.draw()`` first and keep the layout fixed afterwards (the positions are in pixels).

    Parameters
    ----------
    ax : matplotlib Axes holding the texts (data coordinates).
    texts : list of matplotlib.text.Text
    marks : list of (x, y, r)
        Centre (display pixels) and radius (pixels) of each text's mark, in the order of ``texts``.
    obstacles : list of matplotlib.transforms.Bbox (display pixels)
        Other things labels must not cover.
    gap : float
        Pixels between a mark's edge and its label.
    pad : float
        Minimum pixels between two labels.
    reach : sequence of float
        Further distances (pixels) tried, in order, for a label that finds no place beside its mark.

    Returns
    -------
    list
        For each text: ``True`` (beside its mark), ``((x0, y0), (x1, y1))`` the leader line in data coordinates
        (placed further out), or ``False`` (not placed).
    """
    renderer = ax.figure.canvas.get_renderer()
    ax.set_xlim(ax.get_xlim())
    ax.set_ylim(ax.get_ylim())
    to_data = ax.transData.inverted()
    axbox = ax.get_window_extent(renderer)
    fixed = list(obstacles)
    placed: list = []
    lines: list = []

    def overlaps(a, b, margin):
        return a.x0 < b.x1 + margin and b.x0 < a.x1 + margin and a.y0 < b.y1 + margin and b.y0 < a.y1 + margin

    def covers_mark(box, mx, my, mr):   # the box reaches into the circle (not only into its bounding square)
        nx = min(max(mx, box.x0), box.x1)
        ny = min(max(my, box.y0), box.y1)
        return (nx - mx) ** 2 + (ny - my) ** 2 < mr ** 2

    def free(box):
        return not (box.x0 < axbox.x0 or box.x1 > axbox.x1 or box.y0 < axbox.y0 or box.y1 > axbox.y1
                    or any(covers_mark(box, *m) for m in marks) or any(overlaps(box, b, 0.0) for b in fixed)
                    or any(overlaps(box, b, pad) for b in placed))

    def line_clear(p0, p1, own):
        pts = [(p0[0] + (p1[0] - p0[0]) * k / 24, p0[1] + (p1[1] - p0[1]) * k / 24) for k in range(1, 24)]
        for i, (mx, my, mr) in enumerate(marks):
            if i != own and any((px - mx) ** 2 + (py - my) ** 2 < mr ** 2 for px, py in pts):
                return False
        boxes = [*placed, *fixed]
        return not any(b.x0 <= px <= b.x1 and b.y0 <= py <= b.y1 for b in boxes for px, py in pts) and \
            not any(_segments_cross(p0, p1, q0, q1) for q0, q1 in lines)

    out: list = []
    for i, (t, (x, y, r)) in enumerate(zip(texts, marks)):
        start = (t.get_position(), t.get_horizontalalignment(), t.get_verticalalignment())
        result = False
        for extra in (0.0, *reach):
            for ux, uy, ha, va, shift in LABEL_POSITIONS:
                d = r + gap + extra
                anchor = (x + ux * d + shift * r, y + uy * d)
                t.set_position(to_data.transform(anchor))
                t.set_horizontalalignment(ha)
                t.set_verticalalignment(va)
                box = t.get_window_extent(renderer)
                if not free(box):
                    continue
                if extra:
                    edge = (x, y)               # from the mark's centre: a line from an edge can look like another's
                    end = (min(max(edge[0], box.x0), box.x1), min(max(edge[1], box.y0), box.y1))
                    if not line_clear(edge, end, i):
                        continue
                    lines.append((edge, end))
                    result = (tuple(to_data.transform(edge)), tuple(to_data.transform(end)))
                else:
                    result = True
                placed.append(box)
                break
            if result:
                break
        if not result:
            t.set_position(start[0])
            t.set_horizontalalignment(start[1])
            t.set_verticalalignment(start[2])
        out.append(result)
    return out


def _segments_cross(p0, p1, q0, q1) -> bool:
    """Whether two line segments cross (touching end points do not count)."""
    def side(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = side(q0, q1, p0), side(q0, q1, p1)
    d3, d4 = side(p0, p1, q0), side(p0, p1, q1)
    return d1 * d2 < 0 and d3 * d4 < 0
