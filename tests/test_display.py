"""Tables in JupyterLab and the book: text cells left, number cells right, inline (analysis.display).

The unit tests read the HTML; the browser test (headless Chromium, skipped without it) loads a table in a page that
carries JupyterLab's own right-aligning rule and reads the computed ``text-align`` of the cells.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from analysis import display as D


def _cells(html: str, tag: str = "td") -> list[tuple[str, str]]:
    """(style, text) of every ``tag`` cell."""
    return [(m.group(1), m.group(2)) for m in
            re.finditer(rf'<{tag} [^>]*style="([^"]*)"[^>]*>(.*?)</{tag}>', html, re.S)]


MIXED = pd.DataFrame({"law": ["数据安全法", "个人信息保护法"], "articles": [55, 74],
                      "share": [0.25, 0.125], "text": ["第一条\n\n为了规范数据处理活动", "短"]})


def test_text_cells_are_left_and_number_cells_right():
    cells = _cells(D.frame_html(MIXED))
    by_text = {text: style for style, text in cells}
    assert "text-align: left" in by_text["数据安全法"] and "text-align: left" in by_text["短"]
    assert "text-align: right" in by_text["55"] and "text-align: right" in by_text["0.125"]
    heads = {text: style for style, text in _cells(D.frame_html(MIXED), "th")}
    assert "left" in heads["law"] and "right" in heads["articles"]   # a heading goes with its column


def test_alignment_follows_the_column_not_the_cell():
    # a number in a column of text is left-aligned with its column; a column of numbers stored as objects is right
    numeric = pd.DataFrame({"x": [1, 2]})
    as_text = pd.DataFrame({"x": ["1", "第二条"]})
    as_objects = pd.DataFrame({"x": pd.Series([1, None], dtype=object)})
    assert all("right" in s for s, _ in _cells(D.frame_html(numeric)))
    assert all("left" in s for s, _ in _cells(D.frame_html(as_text)))
    assert [s for s, _ in _cells(D.frame_html(as_objects))] == ["text-align: right", "text-align: center"]


def test_strings_that_read_as_numbers_or_dates_are_a_column_of_numbers():
    df = pd.DataFrame({"adopted": ["2021-06-10", None], "range": ["0.64–0.87", "1,911"], "mixed": ["12", "第十二条"]})
    styles = [s for s, _ in _cells(D.frame_html(df))]
    assert "right" in styles[0] and "right" in styles[1] and "left" in styles[2]


def test_the_number_reading_is_the_books():
    # the book classifies a cell as a number by the same expression, so both align a column alike
    from analysis import book

    assert D.NUMBER_LIKE.pattern == book.NUMERIC.pattern
    assert D.NOWRAP_CHARS == book.SHORT_TEXT


def test_line_breaks_are_kept_and_long_text_is_not_cut():
    long = "为了规范数据处理活动，保障数据安全，促进数据开发利用，保护个人、组织的合法权益，维护国家主权、安全和发展利益，制定本法。"
    df = pd.DataFrame({"national": ["第一条\n\n" + long], "n": [1]})
    with pd.option_context("display.max_colwidth", 20):
        html = D.frame_html(df)
        plain = repr(df)
    assert "\\n" not in html and "第一条\n\n为了" in html           # a real line break, not the two characters \n
    assert long in html and "..." not in html                       # whole, whatever max_colwidth says
    assert "..." in plain                                           # the text repr keeps pandas' visible cut
    style = _cells(html)[0][0]
    assert "white-space: pre-wrap" in style and "min-width" in style


def test_a_short_name_beside_long_text_does_not_wrap():
    df = pd.DataFrame({"title": ["数据安全法"], "text": ["很长的条文" * 20]})
    styles = [s for s, _ in _cells(D.frame_html(df))]
    assert "white-space: nowrap" in styles[0] and "pre-wrap" in styles[1]


def test_numbers_are_written_as_pandas_writes_them():
    df = pd.DataFrame({"p": [3.2e-12, 0.5], "x": [0.5, 12.25], "m": [np.nan, 1.0]})
    with pd.option_context("display.precision", 4):
        texts = [t for _, t in _cells(D.frame_html(df))]
        pandas_html = df.to_html()
    for t in texts:
        assert f"<td>{t}</td>" in pandas_html
    assert "3.2000e-12" in texts and "NaN" in texts


def test_html_is_escaped_and_deterministic():
    df = pd.DataFrame({"a": ["<b>x</b> & y"]}, index=["<i>"])
    html = D.frame_html(df)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html and "&lt;i&gt;" in html and "<b>" not in html
    assert html == D.frame_html(df.copy())
    assert "<style" not in html and " id=" not in html and 'class="dataframe"' in html


def test_multiindex_and_duplicate_labels():
    m = pd.DataFrame({"n": [1, 2, 3], "t": ["a", "b", "c"]},
                     index=pd.MultiIndex.from_tuples([("甲", 1), ("甲", 2), ("乙", 1)], names=["k", "v"]))
    html = D.frame_html(m)
    assert 'rowspan="2"' in html
    assert [("right" in s, "left" in s) for s, _ in _cells(html)][:2] == [(True, False), (False, True)]
    dup = pd.DataFrame([[1, "a"], [2, "b"]], columns=["c", "c"], index=[0, 0])
    assert [t for _, t in _cells(D.frame_html(dup))] == ["1", "a", "2", "b"]


def test_long_frames_are_cut_visibly():
    df = pd.DataFrame({"t": [f"r{i}" for i in range(100)], "v": range(100)})
    with pd.option_context("display.max_rows", 40, "display.min_rows", 10):
        html = D.frame_html(df)
    texts = [t for _, t in _cells(html)]
    assert texts[:2] == ["r0", "0"] and texts[-2:] == ["r99", "99"] and "…" in texts
    assert "<p>100 rows × 2 columns</p>" in html


def test_setup_installs_the_html_formatter_and_leaves_the_text_repr_alone():
    from IPython.core.interactiveshell import InteractiveShell

    import analysis

    shell = InteractiveShell.instance()
    try:
        analysis.setup()
        data, _ = shell.display_formatter.format(MIXED)
        assert data["text/html"] == D.frame_html(MIXED)
        assert data["text/plain"] == repr(MIXED)
    finally:
        InteractiveShell.clear_instance()


# ----------------------------------------------------------------------------- in a browser
def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="no chromium on this machine (apt-get install -y chromium)")
def test_chromium_computes_left_for_text_and_right_for_numbers_under_jupyterlabs_rule(tmp_path):
    # JupyterLab's own rule (packages/rendermime/style/base.css), which outranks a plain stylesheet
    rule = (":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td, "
            ":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon th {text-align: right;}")
    page = tmp_path / "t.html"
    page.write_text(
        f"<!doctype html><meta charset='utf-8'><style>{rule}</style>"
        f"<div class='jp-RenderedHTMLCommon jp-RenderedHTML'>{D.frame_html(MIXED)}</div>"
        "<pre id='out'></pre><script>"
        "document.getElementById('out').textContent = Array.from(document.querySelectorAll('td'))"
        ".map(td => td.textContent.split('\\n')[0] + '=' + getComputedStyle(td).textAlign).join('|');"
        "</script>", encoding="utf-8")
    out = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=60).stdout
    found = dict(x.split("=") for x in re.search(r"<pre id=\"out\">(.*?)</pre>", out, re.S).group(1).split("|"))
    assert found["数据安全法"] == "left" and found["第一条"] == "left"
    assert found["55"] == "right" and found["0.250"] == "right"


def test_a_heading_over_a_column_with_nothing_in_it_is_left_as_the_book_reads_it():
    df = pd.DataFrame({"page": pd.array([pd.NA, pd.NA], dtype="Int64"), "n": [1, 2]})
    heads = {text: style for style, text in _cells(D.frame_html(df), "th")}
    assert "left" in heads["page"] and "right" in heads["n"]


def test_missing_values_are_centred_in_any_column():
    df = pd.DataFrame({"n": [1.0, np.nan], "t": ["a", None]})
    cells = _cells(D.frame_html(df))
    assert [s for s, _ in cells] == ["text-align: right", "text-align: left; white-space: nowrap",
                                     "text-align: center", "text-align: center"]
    big = pd.DataFrame({"v": [np.nan] + list(range(99))})
    with pd.option_context("display.max_rows", 40, "display.min_rows", 10):
        cells = _cells(D.frame_html(big))
    assert cells[0] == ("text-align: center", "NaN") and cells[5][1] == "…" and cells[6][0] == "text-align: right"


def test_a_missing_column_label_is_escaped_text_not_an_html_element():
    """A pivot over a string column with <NA> has a column labelled <NA>: written raw it became an unknown HTML
    element (an empty header in the browser, and the book took the heading for text)."""
    import pandas as pd
    from analysis.display import frame_html

    df = pd.DataFrame({"basis": pd.array(["published", "written", pd.NA], dtype="string"), "n": [7, 18, 9]})
    html = frame_html(df.set_index("basis").T)
    assert "&lt;NA&gt;</th>" in html and "<NA>" not in html
    assert frame_html(df.set_index("basis").T.iloc[:, :2]).count("&lt;NA&gt;") == 0
