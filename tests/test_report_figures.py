"""The report's figures and Table 1, redrawn: each function returns a figure that renders without missing glyphs
(warnings are errors, font-fallback log records fail too), and the numbers behind each figure are the report's."""
import io
import logging
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex

import analysis
from analysis.report import figures as rf
from analysis.paths import REPORT_TXT


@pytest.fixture(scope="module")
def frames():
    analysis.setup()
    return {
        "milestones": analysis.load_milestones(),
        "levels": analysis.load_provincial_levels(),
        "indicators": analysis.load_indicators(),
        "documents": analysis.load_documents(),
        "captions": analysis.load_captions(),
    }


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


DRAWERS = [
    ("fig01_timeline", "milestones", "政府信息化建设中的数字技术应用演进"),
    ("fig02_provincial_levels", "levels", "省级政府网上政务服务能力年度对比图"),
    ("fig03_licensing", "indicators", "2019-2021年我国省级行政许可事项办理情况"),
    ("fig04_intelligent_coverage", "indicators", "不同地区政务服务智能化建设的覆盖情况"),
    ("fig05_blockchain_projects", "indicators", "近几年政务区块链项目数变化情况"),
    ("fig06_rules_framework", "documents", "数字技术治理的制度体系架构"),
    ("table01_figure", "documents", "中央出台的主要互联网融合应用制度规范"),
]


def _texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


@pytest.mark.parametrize("name, frame, title", DRAWERS)
def test_each_figure_renders_without_missing_glyphs_or_font_fallback(frames, name, frame, title, caplog):
    with warnings.catch_warnings(), caplog.at_level(logging.INFO, logger="matplotlib.font_manager"):
        warnings.simplefilter("error")  # a missing glyph is a UserWarning
        fig = getattr(rf, name)(frames[frame], frames["captions"])
        fig.savefig(io.BytesIO(), format="png", dpi=60, bbox_inches="tight")
        fig.savefig(io.BytesIO(), format="svg", bbox_inches="tight")
    assert isinstance(fig, matplotlib.figure.Figure)
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]  # e.g. a bold face the font lacks
    # the log above fires once per process; ask directly for weights the regular-only CJK font lacks
    assert not [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_fontweight() not in ("normal", 400)]
    texts = _texts(fig)
    assert any(title in t for t in texts), "the report's caption title is on the figure"
    assert any(t.startswith("来源 Source:") for t in texts)


def test_fig05_bars_are_72_and_87_in_the_blockchain_colour(frames):
    data = rf.blockchain_projects_data(frames["indicators"])
    assert data["year"].tolist() == [2020, 2021] and data["projects"].tolist() == [72, 87]
    fig = rf.fig05_blockchain_projects(frames["indicators"], frames["captions"])
    bars = [p for p in fig.axes[0].patches if isinstance(p, matplotlib.patches.Rectangle)]
    assert [round(b.get_height()) for b in bars] == [72, 87]
    assert {to_hex(b.get_facecolor()) for b in bars} == {analysis.TECH_COLORS["区块链"].lower()}


def test_fig02_grid_keeps_absent_years_as_gaps_not_zeros(frames):
    grid = rf.provincial_levels_data(frames["levels"])
    assert list(grid.index) == [2016, 2017, 2018, 2019, 2020, 2021]
    assert grid.loc[2016, "非常高"] == 3 and grid.loc[2016, ["高", "中", "低"]].isna().all()
    for year in (2017, 2018, 2020):
        assert not grid.loc[year, "any_data"] and grid.loc[year, list(rf.LEVELS)].isna().all()
    assert grid.loc[2019, ["非常高", "高", "中"]].tolist() == [8, 15, 9]
    assert grid.loc[2021, ["非常高", "高", "中"]].tolist() == [16, 12, 4]
    assert grid.loc[2019, "stated"] == grid.loc[2021, "stated"] == 32
    fig = rf.fig02_provincial_levels(frames["levels"], frames["captions"])
    bars = {p.get_gid(): p.get_height() for p in fig.axes[0].patches if p.get_gid()}
    assert bars == {"2016-非常高": 3, "2019-非常高": 8, "2019-高": 15, "2019-中": 9,
                    "2021-非常高": 16, "2021-高": 12, "2021-中": 4}
    assert sum("无公开数据" in t for t in _texts(fig)) == 3


def test_fig03_draws_only_the_two_2021_shares_the_text_gives(frames):
    data = rf.licensing_data(frames["indicators"])
    assert data["value"].tolist() == [56.36, 90.5] and set(data["year"]) == {2021}
    fig = rf.fig03_licensing(frames["indicators"], frames["captions"])
    widths = sorted(round(p.get_width(), 2) for p in fig.axes[0].patches if p.get_width() < 100)
    assert widths == [56.36, 90.5]
    assert any("report's image" in t for t in _texts(fig))


def test_fig04_shows_only_the_hedged_ratio_and_share(frames):
    data = rf.intelligent_coverage_data(frames["indicators"])
    assert data[["value_text", "value", "unit"]].values.tolist() == [["约一半", 50.0, "%"], ["两倍以上", 2.0, "倍"]]
    texts = " ".join(_texts(rf.fig04_intelligent_coverage(frames["indicators"], frames["captions"])))
    assert "两倍以上" in texts and "约一半" in texts


def test_fig01_stages_and_event_colours(frames):
    data = rf.timeline_data(frames["milestones"])
    assert data.loc[data["kind"] == "stage", "stage"].tolist() == ["早期信息化", "电子政务", "数字政府"]
    events = data[data["kind"] == "event"].set_index("milestone_id")
    assert len(events) == 16
    assert events.loc["ms-03", "color"] == analysis.TECH_COLORS["互联网"]  # 1999 政府上网工程
    assert events.loc["ms-13", "techs"] == ["大数据", "人工智能", "区块链"]
    assert events.loc["ms-01", "color"] == analysis.plotting.NEUTRAL  # names no technology
    years = events["year_start"].dropna().astype(int).tolist()
    assert years == sorted(years) and events["year_start"].isna().sum() == 2  # undated events come last


def test_fig06_counts_every_chapter3_document_once_under_nine_categories(frames):
    docs = frames["documents"]
    data = rf.framework_data(docs)
    assert data["category"].tolist() == list(rf.COMMON_CATEGORIES) + list(rf.TECH_CATEGORIES)
    assert int(data["n_documents"].sum()) == int(docs["rule_line"].notna().sum())
    colors = dict(zip(data["category"], data["color"]))
    assert colors["数据治理"] == analysis.CATEGORY_COLORS["数据治理"] and colors["区块链"] == analysis.TECH_COLORS["区块链"]
    # Table 1's 20 Internet-Plus rules are all technology rules on the Internet
    t1 = docs[docs["table1_row"].notna()]
    assert set(t1["rule_line"]) == {"技术规则"} and set(t1["category"]) == {"互联网"}
    assert data.set_index("category").loc["互联网", "n_documents"] >= 20
    fig = rf.fig06_rules_framework(docs, frames["captions"])
    widths = {p.get_gid(): p.get_width() for p in fig.axes[0].patches if (p.get_gid() or "").startswith("bar-")}
    n = dict(zip(data["category"], data["n_documents"]))
    assert widths["bar-互联网"] / widths["bar-区块链"] == pytest.approx(n["互联网"] / n["区块链"])


def test_table1_has_the_reports_20_rows_and_dates(frames):
    table = rf.table1_data(frames["documents"])
    assert table["序号"].tolist() == list(range(1, 21))
    assert table.loc[0, "发布时间"] == "2015年7月" and table.loc[19, "发布时间"] == "2020年11月"
    assert table["领域"].value_counts().to_dict() == {"医疗健康": 8, "政务服务": 6, "民政服务": 2, "总体": 1,
                                                   "知识产权保护": 1, "不动产登记": 1, "旅游": 1}
    # every 发布时间 is printed in the report's Table 1 as "YYYY年 M月"
    raw = REPORT_TXT.read_text(encoding="utf-8")
    start, end = raw.index("表 1 中央出台的主要互联网融合应用制度规范"), raw.index("来源：中国信息通信研究院整理")
    printed = raw[start:end]
    for number, date in zip(table["序号"], table["发布时间"]):
        assert date.replace("年", "年 ") in printed, (number, date)


def test_table1_figure_has_every_cell_and_clips_no_text(frames):
    fig = rf.table01_figure(frames["documents"], frames["captions"])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    table = [c for c in fig.axes[0].get_children() if isinstance(c, matplotlib.table.Table)][0]
    cells = table.get_celld()
    assert len(cells) == 21 * 4
    for (row, col), cell in cells.items():
        text = cell.get_text()
        if not text.get_text():
            continue
        box, tbox = cell.get_window_extent(renderer), text.get_window_extent(renderer)
        assert box.x0 - 1 <= tbox.x0 and tbox.x1 <= box.x1 + 1, (row, col, text.get_text())
        assert box.y0 - 1 <= tbox.y0 and tbox.y1 <= box.y1 + 1, (row, col, text.get_text())


@pytest.mark.parametrize("name, frame, title", DRAWERS)
def test_each_figure_is_at_most_9_inches_wide_with_type_of_at_least_8_pt(frames, name, frame, title):
    fig = getattr(rf, name)(frames[frame], frames["captions"])
    assert fig.get_size_inches()[0] <= 9.0
    small = [(t.get_text(), t.get_fontsize()) for t in fig.findobj(matplotlib.text.Text)
             if t.get_text().strip() and t.get_visible() and t.get_fontsize() < analysis.plotting.MIN_FONT_PT]
    assert not small


def _overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_fig01_stage_labels_clear_their_bars_and_legend_clear_of_the_lanes(frames):
    fig = rf.fig01_timeline(frames["milestones"], frames["captions"])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax_s, ax_t, ax_p = fig.axes[:3]
    bars = [p.get_window_extent(renderer) for p in ax_s.patches
            if isinstance(p, matplotlib.patches.Rectangle) and p.get_width() > 0]
    labels = [t for t in ax_s.texts if "阶段" in t.get_text()]
    assert len(labels) == 3
    for label in labels:
        box = label.get_window_extent(renderer)
        assert not [b for b in bars if _overlaps(box, b)], label.get_text()
        assert box.x1 <= fig.bbox.x1, label.get_text()  # nothing runs off the right edge
    legend = fig.legends[0].get_window_extent(renderer)
    for ax in (ax_s, ax_t, ax_p):
        assert not _overlaps(legend, ax.get_window_extent(renderer))


def test_wrap_cjk_never_splits_a_number_run():
    text = "民政部关于印发《“互联网＋社会组织（社会工作、志愿服务）”行动方案（2018-2020年）》的通知"
    for width in range(8, 45):
        lines = rf.wrap_cjk(text, width).split("\n")
        assert "".join(lines) == text
        assert sum("2018-2020" in line for line in lines) == 1


def test_missing_column_names_the_loader():
    with pytest.raises(KeyError, match="load_documents"):
        rf.framework_data(pd.DataFrame({"doc_id": ["x"]}))
