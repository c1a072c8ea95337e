"""The book's link and anchor checker (``analysis.book.broken_links``) is not vacuous: on a small hand-made book it
reports each kind of broken link — a missing file, a missing anchor, a link that leaves the book's folder (the
``../../data`` links the book once had), an absolute or ``file:`` path — and nothing else. The built book itself is
checked in ``tests/test_book.py``."""
from __future__ import annotations

from pathlib import Path

from analysis import book as B

GOOD = """<!doctype html><html><body><main>
<h2 id="large-corpora">Large corpora</h2><a name="old-anchor"></a>
<a href="#large-corpora">here</a> <a href="#old-anchor">old</a> <a href="page.html#sec-1">there</a>
<a href="repo/data/x.csv">table</a> <img src="figures/f.png" alt="f">
<a href="https://example.org/a#b">web</a> <a href="mailto:a@b.c">mail</a>
<pre><a href="../../data/in-code.csv">code is text</a></pre> <code>href="nowhere.html"</code>
</main></body></html>"""


def _book(tmp_path: Path, extra: str = "") -> Path:
    out = tmp_path / "book"
    (out / "repo" / "data").mkdir(parents=True)
    (out / "figures").mkdir()
    (out / "repo" / "data" / "x.csv").write_text("a\n1\n", encoding="utf-8")
    (out / "figures" / "f.png").write_bytes(b"\x89PNG")
    (out / "index.html").write_text(GOOD.replace("</main>", extra + "</main>"), encoding="utf-8")
    (out / "page.html").write_text('<h1 id="sec-1">S</h1><a href="index.html#large-corpora">back</a>',
                                   encoding="utf-8")
    return out


def test_a_book_whose_links_all_resolve_passes(tmp_path):
    assert B.broken_links(_book(tmp_path)) == []


def test_each_kind_of_broken_link_is_reported(tmp_path):
    extra = ('<a href="#local-legislation-against-national-law-text-reuse">a</a>'
             '<a href="page.html#no-such">b</a>'
             '<a href="missing.html">c</a>'
             '<a href="../../data/curated/indicators.csv">d</a>'
             '<img src="/etc/hostname">'
             '<a href="file:///tmp/x.html">f</a>'
             '<a href="repo/data/x.csv#row-1">g</a>')
    got = B.broken_links(_book(tmp_path, extra))
    assert got == [
        "index.html: #local-legislation-against-national-law-text-reuse (no such anchor)",
        "index.html: page.html#no-such (no such anchor)",
        "index.html: missing.html (no such file in the book)",
        "index.html: ../../data/curated/indicators.csv (outside the book's folder)",
        "index.html: /etc/hostname (not a path inside the book)",
        "index.html: file:///tmp/x.html (not a path inside the book)",
        "index.html: repo/data/x.csv#row-1 (an anchor into a file that is not a page)",
    ]


def test_a_page_in_a_subfolder_resolves_links_from_its_own_folder(tmp_path):
    out = _book(tmp_path)
    (out / "repo" / "note.html").write_text('<a href="data/x.csv">ok</a><a href="../index.html#large-corpora">ok'
                                            '</a><a href="x.csv">bad</a>', encoding="utf-8")
    assert B.broken_links(out) == ["repo/note.html: x.csv (no such file in the book)"]


def test_an_empty_cell_does_not_turn_a_column_of_numbers_into_text():
    """analysis.display counts "" as missing; the book must read the column the same way (else the browser test
    finds a right-aligned cell classed as text)."""
    from analysis import book as B

    table = ('<table class="dataframe"><thead><tr><th></th><th>interval</th></tr></thead><tbody>'
             '<tr><th>0</th><td>0.45–0.68</td></tr><tr><th>1</th><td></td></tr></tbody></table>')
    out = B._classify_table(table, True)
    assert '<th class="num">interval</th>' in out
    assert '<td class="num">0.45–0.68</td>' in out and '<td class="num"></td>' in out
    text = table.replace("0.45–0.68", "wide")
    assert '<td class="text short">wide</td>' in B._classify_table(text, True)
