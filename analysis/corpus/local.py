"""The local-regulation corpus: 1,911 local regulations of seven provinces (LawRefBook ``DLC/`` packs).

Read lazily from ``data/raw/lawrefbook-local.tar.xz`` (never extracted to disk): the archive holds one
pack per province (山东, 河南, 浙江, 上海, 北京, 重庆, 广东), each with its Markdown files
(``DLC/<省>地方法规/地方性法规/<省>/<title>(<version date>).md``), an ``_index.md`` stub and the pack's
metadata database ``db.sqlite3`` (table ``law``: name, publish date, valid_from, expired flag). The
archive has 1,925 files: 1,911 regulation texts, 7 index stubs and 7 databases. Every text matches
exactly one ``law`` row on ``name`` + ``(publish)`` = its file name.

What is inferred, and from what (each rule is tested on rows checked by reading them,
``tests/test_local.py``):

* ``issuer`` — the place of the adopting people's congress in the first promulgation line
  (``2021年7月8日 商丘市第五届人民代表大会常务委员会…通过`` → 商丘市); without promulgation lines,
  the place the title starts with (province name, ``…市``, ``…自治县``); <NA> if neither.
* ``kind`` — 经济特区法规 (title contains 经济特区), 浦东新区法规 (上海市浦东新区…),
  单行条例/自治条例 (issuer is an autonomous county or prefecture), 省级地方性法规 (issuer is the
  province, or for 北京/上海/重庆 the municipality), 设区的市法规 (issuer is another city; its rules need the
  province's 批准); <NA> when the issuer is unknown.
* ``adopted`` — date of the first promulgation line that says 通过 (or the first dated line), read from
  the line's start (``2021年11月25日``). ``last_amended`` — the latest date of an amending event among
  *every* date of the promulgation lines, not only each line's leading one (:func:`date_events`): an event
  saying 修正/修订/修改 (``…修订根据2017年11月23日…第二次修正`` → 2017-11-23), or a 批准 that brought an
  amendment into force (``…通过并经2010年11月25日山东省…批准的《…关于修改…的决定》修正`` → 2010-11-25;
  a ``…批准`` line after a city's ``…修订`` line); <NA> if no event amends (adoption, its 批准, 公布 and
  施行 do not). The file name's date is ``version_date`` (missing in some names); the database's
  ``publish``/``valid_from`` are kept as ``db_publish``/``db_valid_from``.
* ``expired`` — the database's ``expired`` flag.
* ``toc_repeated`` — a chapter heading (``第一章``) occurs twice: a table of contents precedes the body.
  ``cut_short`` — the text looks incomplete: article numbers skip (``article_gaps`` > 0) or none of the
  last three articles states commencement (…施行/实施/执行/生效, 自公布之日起). Both are flags for a
  reader, not corrections; texts without articles (人大常委会决定) get <NA>.

The curated table ``data/curated/local_digital_regulations.csv`` lists the digital-governance
regulations among them, each with the reason it is included (:func:`digital_regulations`).
"""
from __future__ import annotations

import os
import re
import sqlite3
import tarfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .clauses import cn_to_int
from .table import _finish, _rel
from ..paths import RAW_DIR

__all__ = ["LOCAL_TAR", "PROVINCES", "KINDS", "local_doc_id", "local_corpus", "date_events", "promulgation_dates",
           "issuer_of", "kind_of", "completeness", "digital_regulations"]

LOCAL_TAR = RAW_DIR / "lawrefbook-local.tar.xz"
PROVINCES = {"山东": "山东省", "河南": "河南省", "浙江": "浙江省", "上海": "上海市", "北京": "北京市",
             "重庆": "重庆市", "广东": "广东省"}
KINDS = ["省级地方性法规", "设区的市法规", "经济特区法规", "浦东新区法规", "单行条例", "自治条例"]

_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_DATE_SPAN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")   # also broken over lines
_AMENDS = re.compile("修正|修订|修改")
_BODY = re.compile(r"([\u4e00-\u9fff]{2,12}?(?:省|市|自治州|自治县))第[一二三四五六七八九十]+届人民代表大会")
_TITLE_PLACE = re.compile(r"^([\u4e00-\u9fff]{1,10}?(?:自治州|自治县|市))")
_ARTICLE = re.compile(r"^[ \t\u3000]*第([零〇一二两三四五六七八九十百千\d]+)条(之[一二三四五六七八九十]+)?[ \t\u3000]",
                      re.M)
_CHAPTER = re.compile(r"^[ \t\u3000#]*(第[一二三四五六七八九十]+章)", re.M)
_COMMENCE = re.compile(r"(施行|实施|执行|生效)|自公布之日起")


def _iso(m: re.Match) -> str:
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def _header(text: str) -> list[str]:
    """The promulgation lines: non-blank lines between the ``# title`` and ``<!-- INFO END -->``."""
    head = text.split("<!-- INFO END -->", 1)[0] if "<!-- INFO END -->" in text else ""
    return [ln.strip() for ln in head.split("\n") if ln.strip() and not ln.lstrip().startswith("# ")]


def date_events(text: str) -> list[tuple[str, str, bool]]:
    """The dated events of a LawRefBook file's promulgation lines: ``(ISO date, wording, amends)``, in order.

    The promulgation lines are read as one text: a line without a date continues the line before it (a
    wrapped line; an undated event, such as the last ``…修订`` of 浙江/宁波市城市绿化条例(2017-12-18), adds no
    date), and a date broken over two lines (``2014年9月26`` / ``日山东省…批准``) is read whole. Every date
    opens an event whose wording runs to the next date (whitespace removed). ``amends`` says whether the
    event is an amendment or the act that brought one into force:

    * an event whose wording says 修正, 修订 or 修改 amends (``…会议修订``, ``根据2017年11月23日…《关于修改…的
      决定》第二次修正``, ``…批准的《…关于修改…的决定》修正``, ``…批准修订``);
    * a 批准 (approval) without those words takes the status of the act it approves: the next event when the
      approval ends in ``批准的`` and the approved act follows it (``2011年11月25日 山东省…批准的2011年11月15日
      青岛市…《关于修改…》修正``), otherwise the event before it (a separate ``…批准`` line after a city's
      ``…修订`` line amends; after the city's ``…通过`` it is the approval of the adoption and does not);
    * every other event (通过, 公布, 施行) does not amend — including a city's ``…通过并经`` of an amending
      decision, whose date is that of the city's vote, not of the amendment's entry into force.
    """
    head = "\n".join(_header(text))
    found = list(_DATE_SPAN.finditer(head))
    events = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(head)
        events.append((_iso(m), re.sub(r"\s+", "", head[m.end():end])))
    own = [bool(_AMENDS.search(w)) for _, w in events]
    amends = list(own)
    for i, (_, w) in enumerate(events):
        if "批准" in w and not own[i]:
            if w.endswith("批准的") and i + 1 < len(events):
                amends[i] = own[i + 1]
            else:
                amends[i] = amends[i - 1] if i else False
    return [(d, w, a) for (d, w), a in zip(events, amends)]


def promulgation_dates(text: str) -> tuple[str | None, str | None]:
    """(adopted, last_amended) from a LawRefBook file's promulgation lines, as ISO dates.

    ``adopted`` is the leading date of the first line saying 通过 (else of the first dated line; lines
    without a leading date are ignored). ``last_amended`` is the latest date of any amending event of
    :func:`date_events` — every date in the lines counts, not only a line's leading one, so
    ``2012年4月19日…修订根据2017年11月23日…第二次修正`` gives 2017-11-23, and a city regulation's
    amendment is dated by the province's 批准 that brought it into force (``2010年10月27日 济南市…通过并经
    2010年11月25日山东省…批准的《…关于修改…的决定》修正`` gives 2010-11-25). None if no event amends
    (only adoption, its approval, promulgation or commencement).
    """
    dated = []
    for ln in _header(text):
        m = _DATE.match(ln)
        if m:
            dated.append((_iso(m), ln))
    if not dated:
        return None, None
    adopted = next((d for d, ln in dated if "通过" in ln), dated[0][0])
    amended = [d for d, _, amends in date_events(text) if amends]
    return adopted, (max(amended) if amended else None)


def issuer_of(text: str, title: str) -> tuple[str | None, str]:
    """(place of the adopting congress, evidence) from the first promulgation line, else the title."""
    lines = _header(text)
    if lines:
        m = _BODY.search(lines[0])
        if m:
            place = re.sub(r"^(\d{4}年\d{1,2}月\d{1,2}日)?[经由]?", "", m.group(1))
            return place, "promulgation line"
    for full in PROVINCES.values():
        if title.startswith(full):
            return full, "title"
    m = _TITLE_PLACE.match(title)
    if m and "经济特区" not in m.group(1):
        return m.group(1), "title"
    m = re.match(r"^(深圳|珠海|汕头|厦门)经济特区", title)
    if m:
        return m.group(1) + "市", "title"
    return None, "none"


def kind_of(title: str, issuer: str | None, province: str) -> str | None:
    """Kind of local regulation from the title and the adopting body (see the module docstring)."""
    if "经济特区" in title:
        return "经济特区法规"
    if title.startswith("上海市浦东新区"):
        return "浦东新区法规"
    if issuer is None:
        return None
    if issuer.endswith(("自治县", "自治州")):
        return "自治条例" if title.endswith("自治条例") else "单行条例"
    if issuer == PROVINCES[province]:
        return "省级地方性法规"
    return "设区的市法规"


def completeness(text: str) -> dict:
    """Article count and the completeness flags of one text (see the module docstring)."""
    body = text.split("<!-- INFO END -->", 1)[1] if "<!-- INFO END -->" in text else text
    chapters = [m.group(1) for m in _CHAPTER.finditer(body)]
    toc = len(chapters) != len(set(chapters))
    arts = [m for m in _ARTICLE.finditer(body) if not m.group(2)]
    if not arts:
        return dict(n_articles=0, article_gaps=None, has_commencement=None, toc_repeated=toc,
                    cut_short=None)
    nums = [cn_to_int(m.group(1)) for m in arts]
    if toc:  # count the body's articles only (from the second 第一章 on)
        rep = next(c for c in chapters if chapters.count(c) > 1)
        second = [m.start() for m in _CHAPTER.finditer(body) if m.group(1) == rep][1]
        nums = [n for n, m in zip(nums, arts) if m.start() > second] or nums
    gaps = sum(1 for a, b in zip([0] + nums, nums) if b != a + 1)
    tail_start = arts[max(0, len(arts) - 3)].start()
    commence = bool(_COMMENCE.search(body[tail_start:]))
    return dict(n_articles=len(nums), article_gaps=gaps, has_commencement=commence, toc_repeated=toc,
                cut_short=bool(gaps > 0 or not commence))


def local_doc_id(member: str) -> str | None:
    """The ``doc_id`` of an archive member (``DLC/上海地方法规/地方性法规/上海/<title>(<date>).md`` →
    ``上海/<title>(<date>)``), or None for a member that is not a regulation text (``_index.md`` stubs, the
    packs' ``db.sqlite3``). Used by :func:`local_corpus` and by the distributed reader of the archive."""
    if not member.endswith(".md") or member.endswith("/_index.md"):
        return None
    parts = member.split("/")
    return f"{parts[-2]}/{parts[-1][:-3]}"


@lru_cache(maxsize=2)
def _local(path: str, mtime_ns: int, size: int) -> tuple[tuple[tuple[str, str], ...], tuple[tuple, ...]]:
    texts, rows = [], []
    with tarfile.open(path, "r:xz") as tf:
        for m in tf:
            if not m.isfile():
                continue
            raw = tf.extractfile(m).read()
            if m.name.endswith("db.sqlite3"):
                con = sqlite3.connect(":memory:")
                try:
                    con.deserialize(raw)
                    folder = dict(con.execute("select id, name from category").fetchall())
                    for r in con.execute("select name, publish, valid_from, expired, category_id from law"):
                        rows.append((folder.get(r[4]), r[0], r[1] or None, r[2] or None, int(r[3]), m.name))
                finally:
                    con.close()
            elif local_doc_id(m.name) is not None:
                try:
                    texts.append((m.name, raw.decode("utf-8")))
                except UnicodeDecodeError as err:
                    raise ValueError(f"{path}: member {m.name} is not UTF-8 (byte {err.start})") from err
    return tuple(sorted(texts)), tuple(sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r)))


def local_corpus(path: Path | str = LOCAL_TAR) -> pd.DataFrame:
    """The local-regulation corpus (1,911 texts), read lazily from the ``.tar.xz``; cached per process.

    Parameters
    ----------
    path : path-like, default ``data/raw/lawrefbook-local.tar.xz``

    Returns
    -------
    pandas.DataFrame
        :data:`analysis.corpus.table.CORPUS_COLUMNS` (``doc_id`` = ``<省>/<file name without .md>``, e.g.
        ``上海/上海市数据条例(2021-11-25)``; ``title`` = the ``# `` line; ``kind`` = the kind of local
        regulation, see :data:`KINDS`) plus ``province`` (山东 …), ``issuer`` (adopting body's place),
        ``issuer_evidence`` (``promulgation line``/``title``/``none``), ``level`` (province, city,
        autonomous county), ``version_date`` (file name), ``adopted``, ``last_amended``, ``db_publish``,
        ``db_valid_from`` (ISO strings, <NA> when absent), ``expired`` (boolean, database),
        ``n_articles``, ``article_gaps`` (Int64), ``has_commencement``, ``toc_repeated``, ``cut_short``
        (boolean). Sorted by ``doc_id``.

    Raises
    ------
    ValueError
        If a member is not UTF-8, or a text has no database row (or more than one).
    """
    p = Path(path)
    st = os.stat(p)
    texts, dbrows = _local(str(p), st.st_mtime_ns, st.st_size)
    db: dict[tuple[str, str], list[tuple]] = {}
    for prov, name, pub, valid, expired, member in dbrows:
        key = f"{name}({pub})" if pub else name
        db.setdefault((prov, key), []).append((pub, valid, expired, member))
    rows = []
    for name, text in texts:
        prov, stem = local_doc_id(name).split("/", 1)
        if prov not in PROVINCES:
            raise ValueError(f"{_rel(p)}: member {name}: unknown province folder {prov!r}")
        hits = db.get((prov, stem), [])
        if len(hits) != 1:
            raise ValueError(f"{_rel(p)}: member {name}: {len(hits)} rows in the pack's db.sqlite3 "
                             "(table law, name + publish), expected 1")
        pub, valid, expired, _ = hits[0]
        first = next((ln for ln in text.split("\n") if ln.startswith("# ")), None)
        title = first[2:].strip() if first else stem
        issuer, evidence = issuer_of(text, title)
        kind = kind_of(title, issuer, prov)
        level = (None if kind is None else "province" if kind in ("省级地方性法规", "浦东新区法规")
                 else "autonomous county" if kind in ("单行条例", "自治条例") else "city")
        m = re.search(r"\((\d{4}-\d{2}-\d{2})\)$", stem)
        adopted, amended = promulgation_dates(text)
        rows.append(dict(doc_id=f"{prov}/{stem}", title=title, kind=kind, source_file=_rel(p),
                         source_locator=f"member {name}", encoding="utf-8", text=text, province=prov,
                         issuer=issuer, issuer_evidence=evidence, level=level,
                         version_date=m.group(1) if m else None, adopted=adopted, last_amended=amended,
                         db_publish=pub, db_valid_from=valid, expired=bool(expired), **completeness(text)))
    typed = ["expired", "n_articles", "article_gaps", "has_commencement", "toc_repeated", "cut_short"]
    flags = pd.DataFrame([{c: r.pop(c) for c in typed} for r in rows], columns=typed)
    df = _finish(rows, ["province", "issuer", "issuer_evidence", "level", "version_date", "adopted",
                        "last_amended", "db_publish", "db_valid_from"])
    for c in typed:
        df[c] = flags[c].astype("Int64" if c.startswith(("n_", "article")) else "boolean")
    return df.sort_values("doc_id", ignore_index=True, kind="stable")


def digital_regulations() -> pd.DataFrame:
    """The curated digital-governance regulations (``data/curated/local_digital_regulations.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per regulation: ``doc_id`` (a :func:`local_corpus` id), ``title``, ``topic``
        (data, big data, digital economy, …) and ``reason`` (why it is included).
    """
    from ..tables import load_table

    return load_table("local_digital_regulations", typed=False)


LOCAL_DOCUMENT_COLUMNS = ["doc_id", "title", "province", "issuer", "issuer_evidence", "kind", "level",
                          "version_date", "adopted", "last_amended", "db_publish", "db_valid_from", "expired",
                          "n_chars", "n_articles", "article_gaps", "has_commencement", "toc_repeated", "cut_short",
                          "latest_version", "digital", "sha256"]


def local_documents(corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """The local corpus's metadata without the texts (the ``local_documents`` table).

    Adds ``latest_version`` (True for the newest version of each title within its province: largest
    ``version_date``, a file without a date counting as oldest; ties keep every file) and ``digital``
    (listed in ``data/curated/local_digital_regulations.csv``).
    """
    df = (local_corpus() if corpus is None else corpus).copy()
    key = df["version_date"].fillna("0000-00-00")
    newest = key.groupby([df["province"], df["title"]]).transform("max")
    df["latest_version"] = (key == newest).astype("boolean")
    df["digital"] = df["doc_id"].isin(set(digital_regulations()["doc_id"])).astype("boolean")
    return df[LOCAL_DOCUMENT_COLUMNS].sort_values("doc_id", ignore_index=True, kind="stable")
