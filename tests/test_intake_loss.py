"""Issue 19, the loss check: every reader says how much of the source's text it kept and what it
removed, by rule; a document losing an article (or most of its text) warns, naming the file."""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

import analysis
from analysis.corpus import intake_report
from analysis.corpus.readers import Document, loss_check, read_document

FIX = Path(__file__).resolve().parent / "fixtures"
INTAKE = FIX / "intake"

_PAGE = """<html><head><meta charset="utf-8"><title>测试条例</title></head><body>
<div class="nav"><a>首页</a> <a>政策</a></div>
<div class="article"><h1>测试条例</h1>
<p>第一条　为了测试，制定本条例。</p>
<p>第二条　主办单位应当遵守本条例。</p>
</div>
<div class="related"><p>第三条　本条例自公布之日起施行。</p></div>
<div class="footer"><p>主办单位：某某办公厅　京ICP备00000000号</p></div>
</body></html>"""


def _read(path: Path) -> tuple[Document, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = read_document(path, path.name)
    return doc, [str(w.message) for w in caught]


def test_furniture_removed_by_rule_and_kept_share():
    doc, _ = _read(INTAKE / "govcn-furniture.html")
    by_rule = doc.removed_by_rule()
    assert any("京ICP备05070218号" in t for t in by_rule["html:furniture-attr"])
    assert any("当前位置" in t for t in by_rule["html:outside-main"])  # div.BreadcrumbNav
    # the article lines that hold a furniture word are in the text, not among the removed
    assert "决策承办单位应当采取便于社会公众参与的方式充分听取意见" in doc.text
    assert not any("决策承办单位" in t for _, t in doc.removed)
    assert 0.9 < doc.kept_share <= 1.0 and doc.source_chars > 5000
    assert doc.removed_chars == sum(len("".join(t.split())) for _, t in doc.removed)


def test_gazette_heads_removed_by_parity():
    doc, msgs = _read(INTAKE / "gazette.pdf")
    by_rule = doc.removed_by_rule()
    assert set(by_rule["pdf:running-head-even"]) == {"2012年第5期"}
    assert set(by_rule["pdf:running-head-odd"]) == {"山东省人民代表大会常务委员会公报"}
    assert "2012年第5期" not in doc.text and not any("marker" in m for m in msgs)


@pytest.mark.parametrize("name", ["wechat.html", "cms-table.html", "order-note.txt", "x.docx",
                                  "radicals.pdf"])
def test_every_format_reports_its_share(name):
    doc, msgs = _read(INTAKE / name)
    assert doc.source_chars and doc.kept_share > 0.9
    assert not [m for m in msgs if name in m and "kept" in m]


def test_text_file_keeps_everything():
    doc, _ = _read(INTAKE / "order-note.txt")
    assert doc.kept_share == 1.0 and doc.removed == []


def test_removed_article_warns_naming_the_file_and_rule(tmp_path):
    (tmp_path / "page.html").write_text(_PAGE, encoding="utf-8")
    doc, msgs = _read(tmp_path / "page.html")
    assert "第二条　主办单位应当遵守本条例。" in doc.text  # a furniture word inside the main text
    assert "第三条" not in doc.text
    warned = [m for m in msgs if "第…条" in m]
    assert warned and "page.html" in warned[0] and "html:furniture-attr" in warned[0], msgs
    assert warned[0] in doc.notes


def test_low_share_warns_naming_the_file():
    doc = Document(text="第一条　短。", encoding="utf-8", reader="pdf",
                   removed=[("pdf:running-head", "某某公报")], source_chars=1000)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        msgs = loss_check(doc, "short.pdf")
    assert len(msgs) == 1 and "short.pdf" in msgs[0] and "pdf:running-head" in msgs[0]
    assert [str(w.message) for w in caught] == msgs


def test_load_corpus_shows_the_loss_and_intake_report_the_lines(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    for n in ("govcn-furniture.html", "gazette.pdf", "order-note.txt"):
        shutil.copy(INTAKE / n, d / n)
    (d / "page.html").write_text(_PAGE, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = analysis.load_corpus(d)
    said = "\n".join(str(w.message) for w in caught)
    assert "page.html" in said and "第…条" in said
    share = dict(zip(corpus["file"], corpus["kept_share"]))
    assert share["order-note.txt"] == 1.0 and all(0 < v <= 1.05 for v in share.values())
    assert dict(zip(corpus["file"], corpus["removed_chars"]))["order-note.txt"] == 0
    rep = intake_report(d)
    assert set(rep["file"]) == {"govcn-furniture.html", "gazette.pdf", "order-note.txt", "page.html"}
    assert rep.loc[rep["file"] == "order-note.txt", "rule"].isna().all()
    g = rep[rep["file"] == "gazette.pdf"]
    assert (g["rule"] == "pdf:running-head-even").sum() == 4
    assert rep[(rep["file"] == "page.html") & rep["text"].str.contains("第三条")]["rule"].tolist() == [
        "html:furniture-attr"]
