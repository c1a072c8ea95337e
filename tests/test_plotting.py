"""The plotting setup: CJK glyphs render, files are byte-identical across processes, failures keep old files."""
import hashlib
import subprocess
import sys
import textwrap
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest

import analysis
from analysis import plotting


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_chinese_text_and_negative_numbers_render_without_missing_glyphs(caplog):
    analysis.setup()
    caplog.set_level("DEBUG", logger="matplotlib.font_manager")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning: make it fail the test
        fig, ax = plt.subplots()
        ax.bar(["互联网", "大数据", "人工智能", "区块链"], [3, -2, 5, 1],
               color=[analysis.TECH_COLORS[k] for k in ["互联网", "大数据", "人工智能", "区块链"]])
        analysis.title(ax, "数字技术应用规则的数量", "Number of rules by technology")
        ax.set_ylabel("变化（件）")
        analysis.caption(fig, "中国信息通信研究院", "示例：负值 −2 用 ASCII 减号显示")
        fig.canvas.draw()
        import io
        fig.savefig(io.BytesIO(), format="png")
        fig.savefig(io.BytesIO(), format="svg")
    # matplotlib reports a font it cannot resolve (e.g. a bold weight the font lacks) through logging
    assert not [r for r in caplog.records if "findfont: Failed" in r.getMessage()]
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans SC"


def test_setup_twice_is_harmless_and_keeps_the_font_after_the_theme():
    analysis.setup()
    first = plotting.font_info()
    rc1 = {k: matplotlib.rcParams[k] for k in ("font.sans-serif", "axes.unicode_minus", "svg.hashsalt")}
    analysis.setup()
    second = plotting.font_info()
    rc2 = {k: matplotlib.rcParams[k] for k in rc1}
    assert first == second and rc1 == rc2
    assert first["font_family"] == "Noto Sans SC"


THEME_DUMP = textwrap.dedent("""
    import json, sys, matplotlib
    from matplotlib import colors
    from analysis import plotting
    if sys.argv[1] == "seaborn":             # what setup() did before it stopped importing seaborn
        import seaborn as sns
        family = plotting.register_cjk_font()
        sns.set_theme(style="whitegrid", context="notebook", font=family)
        matplotlib.rcParams.update(plotting.theme_rc(family))
    else:
        plotting.setup()
    rc = {k: repr(v) for k, v in matplotlib.rcParams.items() if k != "image.cmap"}
    codes = {c: list(colors.to_rgb(c)) for c in "bgrmyck"}
    print(json.dumps({"rc": rc, "codes": codes, "seaborn": "seaborn" in sys.modules}))
""")


def test_setup_gives_the_seaborn_theme_without_importing_seaborn():
    """setup() writes out seaborn's whitegrid theme; every rcParam and colour code must equal what seaborn sets
    (image.cmap aside: seaborn's "rocket" exists only once seaborn is imported)."""
    import json

    got = {}
    for how in ("seaborn", "setup"):
        out = subprocess.run([sys.executable, "-c", THEME_DUMP, how], capture_output=True, text=True, check=True,
                             env={**__import__("os").environ, "MPLBACKEND": "Agg"}).stdout
        got[how] = json.loads(out)
    assert got["seaborn"]["seaborn"] and not got["setup"]["seaborn"]
    diff = {k: (got["seaborn"]["rc"][k], got["setup"]["rc"].get(k)) for k in got["seaborn"]["rc"]
            if got["seaborn"]["rc"][k] != got["setup"]["rc"].get(k)}
    assert not diff
    assert got["seaborn"]["codes"] == got["setup"]["codes"]


def test_setup_imports_nothing_heavy():
    """Kernel start (tests/benchmarks/kernel_start.md): import analysis + setup() leaves seaborn, scipy, jieba,
    pandera, scikit-learn, networkx, dask and distributed unimported; the lazy public names still work."""
    code = ("import sys, analysis; analysis.setup(); "
            "heavy = ['seaborn', 'scipy', 'jieba', 'jieba_next', 'pandera', 'sklearn', 'networkx', 'dask', "
            "'distributed', 'pyarrow']; print(sorted(m for m in heavy if m in sys.modules)); "
            "print(callable(analysis.load_corpus), callable(analysis.load_indicators), analysis.text.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "True True analysis.text"]


def test_jieba_stays_quiet_when_imported_after_setup():
    """setup() does not import jieba, whose import sets its logger back to DEBUG: its loader must stay silent."""
    code = ("import analysis; analysis.setup(); import jieba; t = jieba.Tokenizer(); t.initialize(); "
            "print(t.lcut('数字政府'))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert p.stderr == "" and "'政府'" in p.stdout
    loud = subprocess.run([sys.executable, "-c", code.replace("analysis.setup(); ", "")],
                          capture_output=True, text=True, check=True)
    assert "Prefix dict" in loud.stderr          # what setup() keeps out of the notebooks


def test_font_env_var_pointing_nowhere_gives_an_actionable_error(monkeypatch, tmp_path):
    monkeypatch.setenv(plotting.FONT_ENV_VAR, str(tmp_path / "missing.otf"))
    with pytest.raises(FileNotFoundError, match="ANALYSIS_CJK_FONT"):
        plotting.cjk_font_path()


def test_font_env_var_takes_precedence(monkeypatch):
    pip_font = plotting._pip_font()
    assert pip_font is not None, "requirements.txt installs pylopdf-fonts-zh-cn"
    monkeypatch.setenv(plotting.FONT_ENV_VAR, str(pip_font))
    assert plotting.cjk_font_path() == pip_font


SCRIPT = textwrap.dedent("""
    import sys, matplotlib.pyplot as plt, analysis
    analysis.setup()
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot([2019, 2020, 2021], [72, 87, -5], marker="o", color=analysis.TECH_COLORS["区块链"])
    analysis.title(ax, "政务区块链项目数", "Government blockchain projects")
    analysis.caption(fig, "智慧城市生态圈、赛迪研究院")
    analysis.save_figure(fig, "probe", directory=sys.argv[1])
""")


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_saving_in_two_processes_gives_byte_identical_png_and_svg(tmp_path):
    digests = []
    for run in ("a", "b"):
        out = tmp_path / run
        env_hashseed = {"a": "1", "b": "2"}[run]  # different hash seeds must not matter either
        subprocess.run([sys.executable, "-c", SCRIPT, str(out)], check=True,
                       env={**__import__("os").environ, "PYTHONHASHSEED": env_hashseed, "MPLBACKEND": "Agg"})
        digests.append((_digest(out / "probe.png"), _digest(out / "probe.svg")))
    assert digests[0] == digests[1]
    svg = (tmp_path / "a" / "probe.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg


def test_failed_save_keeps_the_previous_file(tmp_path):
    analysis.setup()
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    (png,) = analysis.save_figure(fig, "keep", formats=("png",), directory=tmp_path)
    before = png.read_bytes()

    def boom(*a, **k):
        raise RuntimeError("disk full")

    fig.savefig = boom
    with pytest.raises(RuntimeError):
        analysis.save_figure(fig, "keep", formats=("png",), directory=tmp_path)
    assert png.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.png"]  # no temporary files left


def test_save_figure_rejects_paths_and_unknown_formats(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError):
        analysis.save_figure(fig, "sub/dir", directory=tmp_path)
    with pytest.raises(ValueError):
        analysis.save_figure(fig, "x", formats=("gif",), directory=tmp_path)


def test_palette_covers_every_technology_and_category_with_distinct_colours():
    pal = analysis.palette()
    assert set(analysis.TECH_COLORS) == {"互联网", "大数据", "人工智能", "区块链"}
    assert set(analysis.CATEGORY_COLORS) == {"立项建设", "运营管理", "数据治理", "安全管理", "数字鸿沟"}
    colours = list(analysis.TECH_COLORS.values()) + list(analysis.CATEGORY_COLORS.values())
    assert len(set(c.lower() for c in colours)) == len(colours)
    assert all(k in analysis.ENGLISH for k in pal)


# ----------------------------------------------------------------------------- point labels beside their marks
def _label_scene(points):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), layout="none")
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    fig.canvas.draw()
    marks, texts = [], []
    for i, (x, y, r) in enumerate(points):
        cx, cy = ax.transData.transform((x, y))
        marks.append((cx, cy, r))
        texts.append(ax.text(x, y, f"T{i:02d} label text", ha="center", va="bottom"))
    return fig, ax, texts, marks


def test_point_labels_sit_beside_their_marks_without_overlap():
    import matplotlib.pyplot as plt

    from analysis.plotting import place_point_labels

    fig, ax, texts, marks = _label_scene([(3, 5, 20), (3.6, 5.2, 15), (3.1, 6.2, 14), (8, 2, 10)])
    res = place_point_labels(ax, texts, marks)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    assert all(r is not False for r in res)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
        for x, y, r in marks:     # no label reaches into any circle
            nx, ny = min(max(x, a.x0), a.x1), min(max(y, a.y0), a.y1)
            assert (nx - x) ** 2 + (ny - y) ** 2 >= r ** 2 - 1e-6
    assert res[3] is True and texts[3].get_verticalalignment() == "bottom"   # alone: above its mark
    again = _label_scene([(3, 5, 20), (3.6, 5.2, 15), (3.1, 6.2, 14), (8, 2, 10)])
    place_point_labels(again[1], again[2], again[3])
    assert [t.get_position() for t in again[2]] == [t.get_position() for t in texts]   # deterministic
    plt.close("all")


def test_a_crowded_label_gets_a_leader_line_from_its_centre_that_crosses_nothing():
    import matplotlib.pyplot as plt

    from analysis.plotting import _segments_cross, place_point_labels

    # a big mark hemmed in on three sides and by the left edge of the axes (the T03 among T07 and T05)
    fig, ax, texts, marks = _label_scene([(0.9, 5, 28), (0.9, 6.3, 22), (1.9, 5.3, 25), (1.8, 3.6, 19)])
    res = place_point_labels(ax, texts, marks)
    assert isinstance(res[0], tuple) and res[1:] == [True, True, True]
    lines = [r for r in res if isinstance(r, tuple)]
    assert lines and all(r is not False for r in res)
    for (p0, p1) in lines:
        a0, a1 = ax.transData.transform(p0), ax.transData.transform(p1)
        owner = [i for i, (x, y, _) in enumerate(marks) if abs(x - a0[0]) < 1e-6 and abs(y - a0[1]) < 1e-6]
        assert owner, "a leader line starts at its mark's centre"
        for i, (x, y, r) in enumerate(marks):
            if i in owner:
                continue
            for k in range(1, 24):
                px, py = a0 + (a1 - a0) * k / 24
                assert (px - x) ** 2 + (py - y) ** 2 >= r ** 2
    assert not _segments_cross((0, 0), (1, 1), (1, 1), (2, 0)) and _segments_cross((0, 0), (1, 1), (0, 1), (1, 0))
    plt.close("all")


def test_save_figure_leaves_a_fixed_layout_fixed(tmp_path):
    """matplotlib's savefig(bbox_inches="tight") restores "no layout engine" as the rc default (constrained under the
    theme), which moved fig01's axes in its SVG and in the notebook's inline copy (its x label over the legend)."""
    import matplotlib.pyplot as plt

    analysis.setup()
    fig, ax = plt.subplots(figsize=(4, 3), layout="none")
    fig.subplots_adjust(left=0.3, bottom=0.3)
    ax.set_xlabel("x")
    before = ax.get_position().bounds
    analysis.save_figure(fig, "fixed", directory=tmp_path)
    fig.canvas.draw()
    assert ax.get_position().bounds == before
    plt.close(fig)
