"""Metadata read from a policy text itself: title, 文号, issuing body and dates.

:func:`text_metadata` looks where official documents print these things: the title and the
document number at the head, the adoption/promulgation note (``（2021年6月10日第十三届全国人民代表大会
常务委员会第二十九次会议通过）``, ``2019年4月26日 中华人民共和国国务院令第716号公布``), the entry-into-force
article (``本法自2021年9月1日起施行``), and the signature block at the end (issuer, then the date,
in Arabic or Chinese numerals: ``国务院办公厅`` / ``2019年12月25日``). Every value comes with the
line it was read from (column ``<field>_line``), so a reader can check it; a value the text does
not state stays missing. :func:`analysis.corpus.folders.load_folder` adds these columns; a metadata
CSV overrides them.

Document numbers recognised (the forms of ``data/curated/documents.csv``): ``国办发〔2019〕57号``
(also with ``[]``, ``［］``, ``（）`` brackets), ``工信部联信管〔2020〕146号``, ``国令第716号``,
``中华人民共和国国务院令第716号``, ``国家发展和改革委员会令第55号``, ``主席令第八十四号``/
``主席令（第八十四号）``, ``公告2019年第2号``.
"""
from __future__ import annotations

import re

from .clauses import cn_to_int

__all__ = ["METADATA_FIELDS", "text_metadata", "parse_date"]

#: fields returned by :func:`text_metadata`; each also has a ``<field>_line`` column
METADATA_FIELDS = ("title", "doc_number", "issuer", "date_adopted", "date_promulgated",
                   "date_effective", "date_issued", "date_written")

_HEAD_LINES = 12
_WS = " \t\u3000\u00a0\u200b\ufeff\r"
_CN = "〇零○一二三四五六七八九十"
_DATE = re.compile(rf"((?:19|20)\d\d|[{_CN}]{{4}})\s*年\s*(\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*"
                   rf"(\d{{1,2}}|[{_CN}]{{1,3}})\s*日")
_BRACKET_NO = re.compile(r"([\u4e00-\u9fff]{1,14})\s*[〔\[［(（【]\s*((?:19|20)\d\d)\s*[〕\]］)）】]\s*(\d{1,4})\s*号")
_ORDER_NO = re.compile(rf"((?:中华人民共和国)?[\u4e00-\u9fff]{{1,16}}令)\s*[（(]?\s*第\s*([0-9]{{1,4}}|[{_CN}百]{{1,6}})\s*号\s*[）)]?")
_NOTICE_NO = re.compile(r"(公告)\s*((?:19|20)\d\d)\s*年\s*第\s*(\d{1,4})\s*号")
_ISSUER_END = ("院", "厅", "部", "委", "委员会", "局", "办公室", "政府", "中心", "会", "署", "行", "室",
               "局党组", "组", "办", "法院", "检察院")
# after the adoption date: the body, then (a year and) the meeting: 第十三届全国人民代表大会常务委员会
# 第二十九次会议, 国家互联网信息办公室2021年第20次室务会议, 国务院第133次常务会议
_BODY_ADOPT = re.compile(r"\s*((?:第[一二三四五六七八九十]+届)?[\u4e00-\u9fff]{2,30}?)\s*(?:(?:19|20)\d\d年)?"
                         r"第\s*[0-9一二三四五六七八九十百]+\s*次[\u4e00-\u9fff]{0,4}会议")


def _cn_num(s: str) -> int:
    return cn_to_int(s.replace("○", "〇"))


def parse_date(m: re.Match) -> str | None:
    """ISO date from a match of the date pattern (Arabic or Chinese numerals), None if invalid."""
    y, mo, d = m.group(1), m.group(2), m.group(3)
    try:
        yy = int(y) if y.isdigit() else int("".join(str(_cn_num(c)) for c in y))
        mm = int(mo) if mo.isdigit() else _cn_num(mo)
        dd = int(d) if d.isdigit() else _cn_num(d)
    except ValueError:
        return None
    if not (1949 <= yy <= 2100 and 1 <= mm <= 12 and 1 <= dd <= 31):
        return None
    return f"{yy:04d}-{mm:02d}-{dd:02d}"


def _lines(text: str) -> list[str]:
    return [s for s in (ln.strip(_WS).lstrip("#").strip(_WS) for ln in text.split("\n")) if s]


def _doc_number(line: str) -> str | None:
    for rx in (_NOTICE_NO, _BRACKET_NO):
        m = rx.search(line)
        if m and line[max(0, m.start() - 1):m.start()] not in ("（", "(", "《"):
            if rx is _NOTICE_NO:
                return f"公告{m.group(2)}年第{m.group(3)}号"
            prefix = m.group(1)
            # the issuer abbreviation ends the run of CJK before the bracket: drop verbs before it
            prefix = re.split(r"印发|发布|下发|公布|转发|根据|依据|按照|见|及|和|与", prefix)[-1]
            if prefix:
                return f"{prefix}〔{m.group(2)}〕{m.group(3)}号"
    m = _ORDER_NO.search(line)
    if m:
        return f"{m.group(1)}第{m.group(2)}号"
    return None


def text_metadata(text: str) -> dict[str, str | None]:
    """Title, document number, issuer and dates stated in a policy text.

    Rules
    -----
    ``title``
        The first non-blank line (Markdown ``#`` removed) when it reads as a title: at most 80
        characters, no sentence punctuation (。；！？), not a document number, date or numbered
        line; else None.
    ``doc_number``
        The first document number (forms in the module docstring) in the first 12 lines that is
        not in brackets or a title (a cited document's number ``（国发〔2015〕50号）`` is not this
        document's).
    ``date_adopted``
        A date on a head line saying ``通过`` (adopted at a meeting).
    ``date_promulgated``
        A date on a head line saying ``公布``/``发布``/``颁布``, or of a line carrying an order
        number (``国务院令第716号``).
    ``date_effective``
        The date of ``自…起施行``/``自…起实施``/``自…起生效`` anywhere in the text (the first).
    ``date_issued``
        A date on a line saying ``印发`` (``国务院办公厅秘书局 2019年12月26日印发``).
    ``date_written``
        The signature date: a line that is only a date among the last six lines (成文日期),
        or a line ``成文日期：…``.
    ``issuer``
        The line just above the signature date when it reads as a body (short, no punctuation,
        ending in 院/厅/部/委员会/局/办公室/政府/…); else the body named on the adoption line
        (``全国人民代表大会常务委员会``); else the body of an order number (``国务院令`` → 国务院).

    Parameters
    ----------
    text : str

    Returns
    -------
    dict
        Keys :data:`METADATA_FIELDS` and ``<field>_line`` for each (the stripped line the value
        was read from); None where the text does not say.
    """
    out: dict[str, str | None] = {}
    for f in METADATA_FIELDS:
        out[f] = None
        out[f + "_line"] = None
    if not isinstance(text, str):
        return out
    lines = _lines(text)
    if not lines:
        return out
    head = lines[:_HEAD_LINES]

    def put(field: str, value: str | None, line: str) -> None:
        if value is not None and out[field] is None:
            out[field] = value
            out[field + "_line"] = line

    first = lines[0]
    if (len(first) <= 80 and not re.search(r"[。；！？!?]", first) and not _doc_number(first)
            and not _DATE.search(first) and not re.match(r"^(第[一二三四五六七八九十百零〇\d]+[条章节编]|[一二三四五六七八九十]+、|[（(])", first)):
        put("title", first, first)
    posted = None  # a web page's 发布日期 label (the posting date): promulgation only if nothing says 公布
    for ln in head:
        if ln == out["title"]:
            continue
        put("doc_number", _doc_number(ln), ln)
        for m in _DATE.finditer(ln):
            d = parse_date(m)
            if re.search(r"发布(?:日期|时间)\s*[：:]?\s*$", ln[:m.start()]):
                posted = posted or (d, ln)
            elif "通过" in ln[m.end():m.end() + 60]:
                put("date_adopted", d, ln)
            elif re.search(r"公布|发布|颁布", ln[m.end():m.end() + 60]) or _ORDER_NO.search(ln):
                put("date_promulgated", d, ln)
            elif re.match(r"\s*起?\s*(?:施行|实施|生效)", ln[m.end():]):
                put("date_effective", d, ln)
    if posted:
        put("date_promulgated", *posted)
    for ln in lines:
        m = re.search(r"自\s*(" + _DATE.pattern + r")\s*(?:起)?\s*(?:施行|实施|生效|执行)", ln)
        if m:
            put("date_effective", parse_date(_DATE.search(m.group(1))), ln)
            break
    for ln in lines:
        m = _DATE.search(ln)
        if m and re.search(r"印发", ln[m.end():m.end() + 6]):
            put("date_issued", parse_date(m), ln)
            break
    for ln in lines:
        if ln.startswith("成文日期"):
            m = _DATE.search(ln)
            if m:
                put("date_written", parse_date(m), ln)
    tail = lines[-6:]
    for i in range(len(tail) - 1, -1, -1):
        ln = tail[i]
        m = _DATE.fullmatch(re.sub(r"[（(].*?[）)]$", "", ln).strip(_WS))
        if m and len(lines) > 1:
            put("date_written", parse_date(m), ln)
            if i > 0:
                prev = tail[i - 1]
                if (len(prev) <= 30 and not re.search(r"[。，；：:,！？]", prev)
                        and prev.endswith(_ISSUER_END)):
                    put("issuer", prev, prev)
            break
    if out["issuer"] is None:
        for ln in head:
            if out["date_adopted"] is not None and ln == out["date_adopted_line"]:
                d = _DATE.search(ln)
                b = _BODY_ADOPT.match(ln, d.end()) if d else None
                if b:
                    put("issuer", b.group(1), ln)
                    break
    if out["issuer"] is None and out["doc_number"] and "令第" in out["doc_number"]:
        body = re.sub(r"^中华人民共和国", "", out["doc_number"].split("令第")[0])
        put("issuer", {"主席": "中华人民共和国主席"}.get(body, body), out["doc_number_line"])
    return out
