"""Notebook 08's figures moved to analysis.text.reuse_figures: they draw what the table holds and say what is missing."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import analysis
from analysis.text import reuse_figures as RF


@pytest.fixture(autouse=True)
def _setup():
    analysis.setup()
    yield
    plt.close("all")


def _latest() -> pd.DataFrame:
    rows = [("山东", "省级地方性法规", False, 0.10, 2004), ("山东", "设区的市法规", False, 0.20, 2016),
            ("山东", "设区的市法规", True, 0.05, 2021), ("上海", "省级地方性法规", True, 0.16, 2021),
            ("上海", "浦东新区法规", False, 0.00, 2022), ("广东", "经济特区法规", False, 0.30, 2011),
            ("广东", "(unknown)", False, 0.25, None), ("广东", "单行条例", False, 0.12, 1999)]
    return pd.DataFrame(rows, columns=["province", "kind", "digital", "restated_share", "year"])


def test_corpus_by_kind_stacks_every_regulation_once():
    latest = _latest()
    fig = RF.plot_corpus_by_kind(latest)
    ax = fig.axes[0]
    totals = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
    assert totals == [2, 3, 3] and sum(totals) == len(latest)
    widths = sum(p.get_width() for p in ax.patches if hasattr(p, "get_width"))
    assert widths == len(latest)
    assert [t.get_text() for t in ax.get_yticklabels()][:1] == ["山东 Shandong"]   # most regulations first


def test_corpus_by_kind_refuses_a_kind_without_a_name():
    latest = _latest()
    latest.loc[0, "kind"] = "新类型"
    with pytest.raises(ValueError, match="新类型"):
        RF.plot_corpus_by_kind(latest)


def test_restated_share_boxes_by_province_and_kind_and_the_digital_group():
    latest = _latest()
    fig = RF.plot_restated_share_by_group(latest)
    ax_prov, ax_kind = fig.axes[1], fig.axes[2]
    assert len([t for t in ax_prov.get_yticklabels() if t.get_text()]) == 3
    labels = [t.get_text() for t in ax_kind.get_yticklabels()]
    assert labels[-1] == "数字治理 digital gov. (2)"
    with pytest.raises(KeyError, match="year"):
        RF.plot_restated_share_by_group(latest.drop(columns="year"))
