"""Readers (.txt/.md/.docx/.pdf/.html), flattened-text structure, text metadata, folder errors.

Fixtures: tests/fixtures/readers/ (generated once by make_fixtures.py from three shipped
regulations; see its docstring). The .docx forms are built here with python-docx.
"""
from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import docx
import pandas as pd
import pytest

from analysis.corpus.clauses import segment, structure
from analysis.corpus.corpora import LONG_CLAUSE, load_clauses, load_corpus
from analysis.corpus.metadata import text_metadata
from analysis.corpus.readers import (UnreadableFileError, UnsupportedFileError, read_document, read_docx, read_html,
                                     read_pdf)

HERE = Path(__file__).resolve().parent
FIX = HERE / "fixtures" / "readers"
ROOT = HERE.parent
LAWS = ROOT / "data" / "raw" / "lawrefbook-laws"
SOURCES = {
    "data-security-law": LAWS / "行政法" / "数据安全法(2021-06-10).md",
    "online-gov-services": LAWS / "行政法规" / "国务院关于在线政务服务的若干规定(2019-04-26).md",
    "internet-info-services": LAWS / "行政法规" / "互联网信息服务管理办法(2011-01-08).md",
}
# the last article printed in each text: 第五十五条, 第十六条, 第二十七条
KNOWN_ARTICLES = {"data-security-law": 55, "online-gov-services": 16, "internet-info-services": 27}


def articles(text: str) -> list[str]:
    s = structure(text, "d")
    return s.loc[s["level"] == "条", "path"].tolist()


def make_docx(slug: str, out: Path, *, furniture: bool = True) -> Path:
    """The regulation as a Word file: one paragraph per Markdown line, header and footer text,
    a table at the end (as a user's Word copy would have)."""
    md = SOURCES[slug].read_text(encoding="utf-8")
    d = docx.Document()
    for ln in md.split("\n"):
        ln = ln.strip()
        if not ln or ln.startswith("<!--"):
            continue
        if ln.startswith("#"):
            d.add_heading(ln.lstrip("# ").strip(), level=1 if ln.startswith("# ") else 2)
        else:
            d.add_paragraph(ln)
    if furniture:
        sec = d.sections[0]
        sec.header.paragraphs[0].text = "页眉：某某省司法厅法规汇编"
        sec.footer.paragraphs[0].text = "- 1 -"
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).text, t.cell(0, 1).text = "附件名称", "页数"
        t.cell(1, 0).text, t.cell(1, 1).text = "法规汇编说明", "2"
    d.save(str(out))
    return out


@pytest.fixture(scope="module")
def docx_dir(tmp_path_factory):
    p = tmp_path_factory.mktemp("docx")
    for slug in SOURCES:
        make_docx(slug, p / f"{slug}.docx")
    return p


# --------------------------------------------------------------------------- five forms
@pytest.mark.parametrize("slug", list(SOURCES))
def test_five_forms_give_the_same_articles(slug, docx_dir):
    ref = articles(SOURCES[slug].read_text(encoding="utf-8"))
    assert len(ref) == KNOWN_ARTICLES[slug]
    forms = {
        "markdown": read_document(SOURCES[slug]).text,
        "flattened .txt": read_document(FIX / f"{slug}-flat.txt").text,
        ".docx": read_document(docx_dir / f"{slug}.docx").text,
        ".html": read_document(FIX / f"{slug}.html").text,
        ".pdf": read_document(FIX / f"{slug}.pdf").text,
    }
    for form, text in forms.items():
        assert articles(text) == ref, form


def test_flattened_text_really_is_flat():
    # the flattened fixtures keep no line break inside the body: without inline recovery the
    # articles would be lost (this is what the issue reported: 第1段/第1句)
    for slug in SOURCES:
        text = (FIX / f"{slug}-flat.txt").read_text(encoding="utf-8")
        assert text.count("\n") <= 2
        body = text.split("\n", 1)[1]
        assert segment(body.replace("第", "第\u200b"), "d")["level"].eq("sentence").all()


def test_folder_with_one_regulation_in_five_forms(tmp_path):
    slug = "data-security-law"
    shutil.copy(SOURCES[slug], tmp_path / "dsl.md")
    shutil.copy(FIX / f"{slug}-flat.txt", tmp_path / "dsl-flat.txt")
    shutil.copy(FIX / f"{slug}.html", tmp_path / "dsl.html")
    shutil.copy(FIX / f"{slug}.pdf", tmp_path / "dsl.pdf")
    make_docx(slug, tmp_path / "dsl.docx")
    corpus = load_corpus(tmp_path)
    assert corpus["format"].tolist() == ["text", "docx", "html", "text", "pdf"]
    assert corpus["file"].tolist() == ["dsl-flat.txt", "dsl.docx", "dsl.html", "dsl.md", "dsl.pdf"]
    cl = load_clauses(corpus)
    arts = {d: sorted(set(g["path"].str.extract(r"^((?:第.+?章/)?第.+?条)")[0].dropna()))
            for d, g in cl.groupby("doc_id")}
    assert len(arts) == 5
    first = next(iter(arts.values()))
    assert len(first) == 55
    assert all(a == first for a in arts.values())
    assert corpus["doc_id"].tolist() == ["dsl-flat", "dsl.docx", "dsl.html", "dsl.md", "dsl.pdf"]
    assert (corpus["title"] == "中华人民共和国数据安全法").all()
    assert corpus.set_index("doc_id").loc["dsl.md", "date_effective"] == "2021-09-01"


# --------------------------------------------------------------------------- PDF
def test_pdf_page_furniture_removed():
    dsl = read_pdf(FIX / "data-security-law.pdf").text
    assert not re.search(r"^- \d+ -$", dsl, re.M)
    assert dsl.count("中华人民共和国数据安全法") == 1  # the title; the running title is gone
    ogs = read_pdf(FIX / "online-gov-services.pdf").text
    assert "https://" not in ogs and "2024/5/6" not in ogs and "中国政府网" not in ogs
    iis = read_pdf(FIX / "internet-info-services.pdf").text
    assert not re.search(r"第 \d+ 页", iis)
    # hard wraps joined: every article starts a line and holds its whole first sentence
    assert re.search(r"^\u3000*第一条\u3000为了规范互联网信息服务活动，促进互联网信息服务健康有序发展，制定本办法。$",
                     iis, re.M)


def test_pdf_kangxi_radicals_mapped():
    from pypdfium2 import PdfDocument

    # every text page and page closed before the document: a child left to the garbage collector after its
    # document is closed crashes older pypdfium2 (4.0, the floor) at some later collection
    pdf, parts = PdfDocument(str(FIX / "internet-info-services.pdf")), []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            parts.append(tp.get_text_bounded())
            tp.close()
            page.close()
    finally:
        pdf.close()
    raw = "".join(parts)
    assert "第\u2f17\u2f00条" in raw  # the fixture's text layer carries ⼗⼀ (Kangxi radicals)
    text = read_pdf(FIX / "internet-info-services.pdf").text
    assert not re.search("[\u2f00-\u2fdf]", text)
    assert "第十一条" in articles(text)
    assert "第十一条" not in articles(raw)  # without the mapping the article is lost


def test_scanned_pdf_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(UnreadableFileError, match=r"scanned\.pdf.*OCR"):
        read_document(FIX / "scanned.pdf")
    (tmp_path / "a.txt").write_text("第一条 内容。", encoding="utf-8")
    shutil.copy(FIX / "scanned.pdf", tmp_path / "scan.pdf")
    with pytest.raises(UnreadableFileError, match=r"scan\.pdf.*OCR is needed"):
        load_corpus(tmp_path)


def test_encrypted_and_partly_scanned_pdf(tmp_path):
    with pytest.raises(UnreadableFileError, match=r"encrypted\.pdf: the PDF is encrypted with a password"):
        read_pdf(FIX / "encrypted.pdf")
    with pytest.warns(UserWarning, match=r"partly-scanned\.pdf: page\(s\) 2 of 2 have no text layer.*OCR"):
        doc = read_pdf(FIX / "partly-scanned.pdf")
    assert articles(doc.text) == ["第一条", "第二条"]


def test_broken_pdf_and_docx_are_named(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0 an old Word file renamed")
    (tmp_path / "empty.html").write_bytes(b"")
    with pytest.raises(UnreadableFileError) as e:
        load_corpus(tmp_path)
    msg = str(e.value)
    assert "broken.pdf" in msg and "old.docx" in msg and "empty.html" in msg
    assert "soffice --headless --convert-to docx" in msg


# --------------------------------------------------------------------------- docx
def test_docx_drops_header_footer_keeps_tables(tmp_path):
    p = make_docx("online-gov-services", tmp_path / "o.docx")
    text = read_docx(p).text
    assert "页眉" not in text and "- 1 -" not in text
    assert "附件名称\t页数" in text.split("\n")
    assert text.split("\n")[0] == "国务院关于在线政务服务的若干规定"


def _numbered_docx(path: Path, fmt: str, lvl_text: str, paragraphs: list[str]) -> Path:
    """A .docx whose paragraphs get their numbers from Word's automatic numbering (numId 99)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    d.add_paragraph("某某条例")
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="99"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{lvl_text}"/><w:suff w:val="space"/></w:lvl>'
        f'</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="99"><w:abstractNumId w:val="99"/></w:num>'))
    for t in paragraphs:
        p = d.add_paragraph(t)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="99"/></w:numPr>'))
    d.save(str(path))
    return path


def test_docx_automatic_numbering_is_rendered(tmp_path):
    paras = [f"内容{i}。" for i in range(1, 13)]
    p = _numbered_docx(tmp_path / "auto.docx", "chineseCounting", "第%1条", paras)
    doc = read_docx(p)
    lines = doc.text.split("\n")
    assert lines[1] == "第一条 内容1。" and lines[11] == "第十一条 内容11。" and lines[12] == "第十二条 内容12。"
    assert articles(doc.text) == [f"第{n}条" for n in "一 二 三 四 五 六 七 八 九 十 十一 十二".split()]
    assert "12 automatic number(s) rendered" in doc.notes[0]
    # Word's built-in "List Number" style numbers through its style: 1. 2.
    d = docx.Document()
    for t in ("甲。", "乙。"):
        d.add_paragraph(t, style="List Number")
    d.save(str(tmp_path / "list.docx"))
    assert read_docx(tmp_path / "list.docx").text == "1. 甲。\n2. 乙。"


def test_docx_numbering_that_cannot_be_rendered_warns_naming_the_file(tmp_path):
    p = _numbered_docx(tmp_path / "hebrew.docx", "hebrew1", "第%1条", ["内容一。", "内容二。"])
    with pytest.warns(UserWarning, match=r"hebrew\.docx: 2 paragraph\(s\) use Word's automatic numbering "
                                         r"that could not be rendered"):
        doc = read_docx(p)
    assert "第" not in doc.text
    d = docx.Document()
    d.add_paragraph("第一条 为了规范数据处理活动，制定本办法。")  # typed numbers: no warning
    d.save(str(tmp_path / "typed.docx"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_docx(tmp_path / "typed.docx").notes == []


# --------------------------------------------------------------------------- html
def test_html_main_text_only_and_charset():
    for slug in SOURCES:
        doc = read_html(FIX / f"{slug}.html")
        md_title = SOURCES[slug].read_text(encoding="utf-8").split("\n")[0].lstrip("# ").strip()
        assert doc.title == md_title
        assert doc.text.split("\n")[0] == md_title
        for junk in ("ICP备", "网站标识码", "版权所有", "分享到", "当前位置", "首页", "打印", "主办单位：",
                     "责任编辑", "_hmt", "width"):
            assert junk not in doc.text, (slug, junk)
    gbk = read_html(FIX / "internet-info-services.html")
    # an item of 第八条 that holds a site-furniture word stays (issue 19, defect 1)
    assert "(一)主办单位和网站负责人的基本情况" in gbk.text
    assert gbk.encoding == "gb18030" and "charset gb2312" in gbk.notes


def test_saved_page_resources_are_not_documents(tmp_path):
    shutil.copy(FIX / "online-gov-services.html", tmp_path / "page.html")
    (tmp_path / "page_files").mkdir()
    for n in ("logo.png", "main.js", "style.css"):
        (tmp_path / "page_files" / n).write_bytes(b"x")
    (tmp_path / "other.png").write_bytes(b"x")  # an image that is not a page resource
    with pytest.raises(UnsupportedFileError) as e:
        load_corpus(tmp_path)
    assert "other.png" in str(e.value) and "logo.png" not in str(e.value)
    (tmp_path / "other.png").unlink()
    df = load_corpus(tmp_path)
    assert df["file"].tolist() == ["page.html"]
    assert df.attrs["ignored_files"] == ["page_files/logo.png", "page_files/main.js", "page_files/style.css"]


def test_html_declared_charset_is_honoured(tmp_path):
    raw = (FIX / "internet-info-services.html").read_bytes()
    assert b"charset=gb2312" in raw
    (tmp_path / "wrong.html").write_bytes(raw.replace(b"charset=gb2312", b"charset=utf-8"))
    with pytest.raises(UnreadableFileError, match=r"wrong\.html: declares charset 'utf-8'"):
        read_html(tmp_path / "wrong.html")


# --------------------------------------------------------------------------- plain text
def test_text_utf16_and_bom(tmp_path):
    body = "某某规定\n第一条 为了规范数据处理活动，制定本规定。\n第二条 本规定自公布之日起施行。\n"
    (tmp_path / "u16.txt").write_bytes((body + "甲").encode("utf-16"))
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + (body + "乙").encode("utf-8"))
    (tmp_path / "u16be.txt").write_bytes(b"\xfe\xff" + (body + "丙").encode("utf-16-be"))
    df = load_corpus(tmp_path).set_index("file")
    assert df.loc["u16.txt", "encoding"] == "utf-16" and df.loc["bom.md", "encoding"] == "utf-8-sig"
    assert df.loc["u16be.txt", "encoding"] == "utf-16"
    assert df.loc["u16.txt", "text"] == body + "甲" and df.loc["bom.md", "text"] == body + "乙"
    assert df.loc["u16be.txt", "text"] == body + "丙"


# --------------------------------------------------------------------------- folders
def test_unsupported_files_named_with_their_conversion(tmp_path):
    (tmp_path / "a.txt").write_text("第一条 内容。", encoding="utf-8")
    for n in ("b.doc", "c.wps", "d.ofd", "e.png", "f.xlsx"):
        (tmp_path / n).write_bytes(b"x")
    with pytest.raises(UnsupportedFileError) as e:
        load_corpus(tmp_path)
    msg = str(e.value)
    for n in ("b.doc", "c.wps", "d.ofd", "e.png", "f.xlsx"):
        assert n in msg
    assert "soffice --headless --convert-to docx b.doc" in msg and "OCR" in msg
    assert "skip_unsupported=True" in msg
    with pytest.warns(UserWarning, match=r"skipped 5 file\(s\).*b\.doc.*f\.xlsx") as rec:
        df = load_corpus(tmp_path, skip_unsupported=True)
    assert rec[0].filename == __file__  # points at this line, not at package internals
    assert df["file"].tolist() == ["a.txt"]
    assert df.attrs["skipped_files"] == ["b.doc", "c.wps", "d.ofd", "e.png", "f.xlsx"]


def test_folder_with_only_a_docx_or_only_a_doc(tmp_path):
    make_docx("online-gov-services", tmp_path / "only.docx", furniture=False)
    df = load_corpus(tmp_path)
    assert df["doc_id"].tolist() == ["only"] and df["doc_number"].iloc[0] == "中华人民共和国国务院令第716号"
    (tmp_path / "only.docx").unlink()
    (tmp_path / "only.doc").write_bytes(b"x")
    with pytest.raises(UnsupportedFileError, match=r"only\.doc: soffice"):
        load_corpus(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"no readable documents.*only\.doc"):
        with pytest.warns(UserWarning):
            load_corpus(tmp_path, skip_unsupported=True)


def test_identical_texts_kept_once_and_reported(tmp_path):
    (tmp_path / "a.txt").write_text("第一条 内容。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("第一条 内容。", encoding="utf-8")
    (tmp_path / "c.txt").write_text("第一条 别的内容。", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    (tmp_path / "~$a.docx").write_bytes(b"\x00")
    with pytest.warns(UserWarning, match=r"identical texts kept once: b\.txt = a\.txt"):
        df = load_corpus(tmp_path)
    assert df["file"].tolist() == ["a.txt", "c.txt"]
    assert df.attrs["duplicates"] == {"b.txt": "a.txt"}
    assert df.attrs["ignored_files"] == [".DS_Store", "~$a.docx"]


def test_metadata_csv_by_doc_id_or_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("甲办法\n国办发〔2019〕57号\n第一条 内容。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("乙办法\n第一条 内容。", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    # Excel's "CSV UTF-8" has a byte-order mark
    meta.write_bytes("doc_id,year,doc_number\nsub/a,2021,\nb,2020,国发〔2020〕1号\n".encode("utf-8-sig"))
    df = load_corpus(tmp_path, metadata_csv=meta).set_index("doc_id")
    assert df.loc["sub/a", "year"] == "2021" and df.loc["b", "year"] == "2020"
    assert df.loc["sub/a", "doc_number"] == "国办发〔2019〕57号"  # from the text (CSV cell empty)
    assert df.loc["b", "doc_number"] == "国发〔2020〕1号"  # the CSV overrides
    meta.write_text("doc_id,year\nsub/a,2021\nnope,2020\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"meta\.csv, line 3, column 'doc_id': 'nope'"):
        load_corpus(tmp_path, metadata_csv=meta)
    meta.write_text("name,year\nx,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"needs a 'file' column .* or a 'doc_id' column"):
        load_corpus(tmp_path, metadata_csv=meta)


# --------------------------------------------------------------------------- flattened structure
FLAT = ("某某条例 第一条 为了规范管理，依照本条例第三十条的规定制定本条例。第二条 第二十一条第一款规定的"
        "情形除外。第三条 违反本法第四十四条、第四十五条规定的，依法处理。第四条 本条例自公布之日起施行。")


def test_flattened_cross_references_are_not_headings():
    assert articles(FLAT) == ["第一条", "第二条", "第三条", "第四条"]
    cl = segment(FLAT, "d")
    assert cl.loc[cl["path"] == "第二条/第1款", "text"].iloc[0] == "第二十一条第一款规定的情形除外。"
    # mutation: a break in the sequence is not an article (第五条 after 第二条)
    broken = FLAT.replace("第三条 违反", "第五条 违反")
    assert articles(broken) == ["第一条", "第二条"]


def test_flattened_chapters_and_sections():
    t = ("第一章 总则 第一条 为了规范。第二条 适用范围。第二章 网络运行安全 第一节 一般规定 第三条 国家实行制度。"
         "第二节 关键信息基础设施 第四条 国家保护。")
    assert articles(t) == ["第一章/第一条", "第一章/第二条", "第二章/第一节/第三条", "第二章/第二节/第四条"]


def test_one_article_marker_alone_is_not_a_law():
    t = "各有关单位：根据《数据安全法》第二十一条规定，现通知如下。请遵照执行。"
    cl = segment(t, "d")
    assert cl["level"].eq("sentence").all()


# --------------------------------------------------------------------------- warnings
def test_warning_for_sentence_fallback_with_article_markers(tmp_path):
    (tmp_path / "notice.txt").write_text("某通知\n依照第三条和第四条执行。其他内容。", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"clauses are sentences.*notice \(2 markers, first 第三条\)") as rec:
        load_clauses(tmp_path)
    assert rec[0].filename == __file__


def test_warning_for_long_clause(tmp_path):
    (tmp_path / "long.txt").write_text("某办法\n第一条 " + "数据" * (LONG_CLAUSE // 2 + 50) + "。\n第二条 施行。",
                                      encoding="utf-8")
    with pytest.warns(UserWarning, match=r"1 clause\(s\) longer than 2,000 characters.*long:第一条/第1款") as rec:
        load_clauses(tmp_path)
    assert rec[0].filename == __file__


def test_gb18030_warning_points_at_the_caller(tmp_path):
    (tmp_path / "g.txt").write_bytes("第一条 数据安全。".encode("gb18030"))
    with pytest.warns(UnicodeWarning, match="g.txt") as rec:
        load_corpus(tmp_path)
    assert rec[0].filename == __file__


def test_no_warnings_for_clean_user_texts(tmp_path):
    shutil.copy(SOURCES["online-gov-services"], tmp_path / "o.md")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_clauses(tmp_path)


# --------------------------------------------------------------------------- metadata
@pytest.mark.parametrize("line,expected", [
    ("国办发〔2019〕57号", "国办发〔2019〕57号"),
    ("工信部联信管〔2020〕146号", "工信部联信管〔2020〕146号"),
    ("发改高技[2008]2071号", "发改高技〔2008〕2071号"),
    ("国令第716号", "国令第716号"),
    ("国家发展和改革委员会令第55号", "国家发展和改革委员会令第55号"),
    ("中华人民共和国主席令（第八十四号）", "中华人民共和国主席令第八十四号"),
    ("公告2019年第2号", "公告2019年第2号"),
])
def test_doc_number_forms(line, expected):
    m = text_metadata(f"某某文件\n{line}\n正文。")
    assert m["doc_number"] == expected and m["doc_number_line"] == line


def test_metadata_of_a_policy_text():
    t = ("国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见\n国办发〔2019〕51号\n"
         "各省、自治区、直辖市人民政府：\n根据《国务院关于加快推进“互联网+政务服务”工作的指导意见》（国发〔2016〕55号），"
         "现提出以下意见。\n一、总体要求\n本意见自2020年1月1日起施行。\n国务院办公厅\n二〇一九年十二月三日\n（此件公开发布）")
    m = text_metadata(t)
    assert m["title"].startswith("国务院办公厅关于建立政务服务")
    assert m["doc_number"] == "国办发〔2019〕51号"
    assert (m["issuer"], m["issuer_line"]) == ("国务院办公厅", "国务院办公厅")
    assert (m["date_written"], m["date_written_line"]) == ("2019-12-03", "二〇一九年十二月三日")
    assert m["date_effective"] == "2020-01-01"
    # mutation: without its own number line, the cited number is not taken as this document's
    assert text_metadata(t.replace("国办发〔2019〕51号\n", ""))["doc_number"] is None


def test_metadata_of_shipped_laws():
    m = text_metadata(SOURCES["data-security-law"].read_text(encoding="utf-8"))
    assert (m["date_adopted"], m["date_effective"]) == ("2021-06-10", "2021-09-01")
    assert m["issuer"] == "第十三届全国人民代表大会常务委员会"
    m = text_metadata(SOURCES["online-gov-services"].read_text(encoding="utf-8"))
    assert (m["doc_number"], m["date_promulgated"], m["issuer"]) == (
        "中华人民共和国国务院令第716号", "2019-04-26", "国务院")
    assert m["date_promulgated_line"] == "2019年4月26日 中华人民共和国国务院令第716号公布"


# --------------------------------------------------------------------------- example folder
def test_example_folder_loads_every_form():
    folder = ROOT / "data" / "examples" / "my-corpus"
    with pytest.warns(UnicodeWarning, match="pipl-gb18030.txt"):
        df = load_corpus(folder)
    assert set(df["format"]) == {"text", "docx", "pdf", "html"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnicodeWarning)
        cl = load_clauses(folder)
    assert not cl["level"].eq("sentence").any()
    assert pd.Series(cl["doc_id"]).nunique() == len(df)
    # first chapters (总则) as printed: 网络安全法 14, 关键信息基础设施安全保护条例 7, 算法推荐管理规定 5 articles
    n_art = {d: articles(t)[-1] for d, t in zip(df["doc_id"], df["text"])}
    assert n_art["network-security-law"] == "第一章/第十四条"
    assert n_art["critical-infrastructure"] == "第一章/第七条"
    assert n_art["algorithm-recommendation"] == "第一章/第五条"
    assert {d: len(articles(t)) for d, t in zip(df["doc_id"], df["text"])} == {
        "algorithm-recommendation": 5, "critical-infrastructure": 7, "data-security-law": 3,
        "network-security-law": 14, "online-gov-services": 2, "pipl-gb18030": 3}


def test_normalize_maps_kangxi_and_compatibility_ideographs_only():
    from analysis.corpus.readers import standard_ideographs
    from analysis.text.tokens import normalize

    assert standard_ideographs("第\u2f17\u2f00条 \u2f2f作\u2f08员") == "第十一条 工作人员"
    assert standard_ideographs("\uf900") == "豈"  # CJK compatibility ideograph → unified
    assert normalize("第\u2f17\u2f00条 \u2f2f作") == "第十一条工作"
    assert standard_ideographs("，（）《》：") == "，（）《》："  # punctuation keeps its full width
