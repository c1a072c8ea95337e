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
#: issuers of orders whose number names them by an abbreviation: 主席令 (the President), 国令 (gov.cn's short
#: form of 国务院令, e.g. 发文字号：国令第641号)
_ORDER_ISSUER = {"主席": "中华人民共和国主席", "国": "国务院"}

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
        return f"{_order_body(line, m)}第{m.group(2)}号"
    return None


def _order_body(line: str, m: re.Match) -> str:
    """The issuing body of an order number match, ``…令`` (``国务院令``, ``中华人民共和国主席令``,
    ``国家市场监督管理总局令``), without what the CJK run before it caught: the 日 of a date printed
    without a space (``2014年11月24日中华人民共和国国务院令第656号`` → ``中华人民共和国国务院令``) or a verb
    (``根据国务院令…``)."""
    body, start = m.group(1), m.start(1)
    for d in _DATE.finditer(line):
        if d.start() < start < d.end():  # the body starts inside a date: its last character, 日
            body = line[d.end():m.end(1)].strip(_WS)
    if "中华人民共和国" in body:
        return body[body.index("中华人民共和国"):]
    return re.split(r"公布|发布|颁布|根据|依据|按照", body)[-1] or body


#: words a document's title ends with (条例, 办法, 规定, 通知 …): a first line not ending so, followed by a
#: line that does, is one title printed over two lines
_TITLE_END = ("法", "条例", "办法", "规定", "规则", "细则", "决定", "决议", "通知", "意见", "方案", "规划", "纲要",
              "计划", "公告", "通告", "批复", "函", "解释", "答复", "要点", "指南", "规范", "措施", "标准", "目录",
              "清单", "章程", "报告", "白皮书", "导则", "战略")
_NUMBERED = re.compile(r"^(第[一二三四五六七八九十百零〇\d]+[条章节编]|[一二三四五六七八九十]+、|[（(])")
#: a gazette's running head: ``山东省人民代表大会常务委员会公报``, ``2012年第5期``, ``国务院公报 2021年第3号``
_RUNNING_HEAD = re.compile(r"^(?:\S{0,24}(?:(?:政府|委员会|国务院|法院|检察院)公报|政报)"
                           r"(?:\s*(?:19|20)\d\d\s*年\s*第\s*\d+\s*[期号])?|"
                           r"(?:19|20)\d\d\s*年\s*第\s*\d+\s*[期号])$")
#: a gov.cn metadata table's title row (``标　　题：城镇排水与污水处理条例``), its cells separated by tabs
_TITLE_ROW = re.compile(r"(?:^|\t)\s*(?:标\s*题|名\s*称|文\s*件\s*名\s*称)\s*[:：]?\s*(?:\t\s*)?([^\t]+)")
_INDEX_ROW = re.compile(r"索\s*引\s*号")
#: an order page's head: ``中华人民共和国国务院令``, ``中华人民共和国主席令``, ``国家市场监督管理总局令``
_ORDER_HEAD = re.compile(r"^((?:中华人民共和国)?[\u4e00-\u9fff]{1,16}令)$")
_ORDER_SEQ = re.compile(rf"^[（(]?\s*第\s*([0-9]{{1,4}}|[{_CN}百]{{1,6}})\s*号\s*[）)]?$")
#: where a flattened text's first line stops being its title: its first chapter or article, or the
#: bracketed note that follows the title (``（1999年10月7日…发布）``)
_FLAT_TITLE_END = re.compile(rf"第[一1]\s*[章条编]|[（(]\s*(?:(?:19|20)\d\d|[{_CN}]{{4}})\s*年\s*"
                             rf"(?:\d{{1,2}}|[{_CN}]{{1,3}})\s*月")


def _reads_as_title(line: str) -> bool:
    """At most 80 characters, no sentence punctuation, not a document number, date or numbered line."""
    return (0 < len(line) <= 80 and not re.search(r"[。；！？!?]", line) and not _doc_number(line)
            and not _DATE.search(line) and not _NUMBERED.match(line))


def _title(lines: list[str]) -> tuple[str | None, str | None]:
    """(title, evidence) from the document's first lines (see :func:`text_metadata`)."""
    for ln in lines[:_HEAD_LINES]:  # a metadata table's 标题 row
        m = _TITLE_ROW.search(ln)
        if m and _INDEX_ROW.search("\n".join(lines[:_HEAD_LINES])) and _reads_as_title(m.group(1).strip(_WS)):
            return m.group(1).strip(_WS), ln
    i = 0
    while i < min(3, len(lines) - 1) and _RUNNING_HEAD.match(re.sub(r"\s+", " ", lines[i])):
        i += 1  # a running head printed above the title
    first = lines[i]
    if len(first) > 80 or _FLAT_TITLE_END.search(first):
        # a flattened text (or a title glued to its note): the words before the note or 第一章/第一条
        m = _FLAT_TITLE_END.search(first)
        cut = first[:m.start()].strip(_WS) if m else ""
        if _reads_as_title(cut) and len(cut) >= 4:
            return cut, first
        return None, None
    if not _reads_as_title(first):
        return None, None
    if i + 1 < len(lines):
        second = lines[i + 1]
        unbalanced = first.count("《") > first.count("》") or first.count("（") > first.count("）")
        if (_reads_as_title(second) and len(first) + len(second) <= 80 and not _ORDER_HEAD.match(first)
                and not second.endswith(("：", ":"))
                and (unbalanced or (not first.endswith(_TITLE_END) and second.endswith(_TITLE_END)))):
            return first + second, first + "\n" + second
    return first, first


def _order_page(lines: list[str]) -> dict | None:
    """An order page printed before the regulation: ``中华人民共和国国务院令`` / ``第656号`` / the order's
    text (``《…》已经…通过，现予公布，自…起施行。``) / the signer (``总理　李强``) / the date; then the
    regulation's title. Returns the order's number, issuer, date, the regulation's title and the
    evidence line of each, or None when the text does not begin so."""
    head = lines[:3]
    for k in range(len(head) - 1):
        m, n = _ORDER_HEAD.match(head[k]), _ORDER_SEQ.match(head[k + 1])
        if m and n:
            break
    else:
        return None
    body = m.group(1)
    out: dict = {"doc_number": f"{body}第{n.group(1)}号", "doc_number_line": f"{head[k]} {head[k + 1]}"}
    issuer = re.sub(r"^中华人民共和国", "", body[:-1])
    out["issuer"] = _ORDER_ISSUER.get(issuer, issuer)
    out["issuer_line"] = head[k]
    named = None
    j = k + 2
    end = None
    for j in range(k + 2, min(k + 12, len(lines))):
        ln = lines[j]
        q = re.search(r"《([^》]{2,60})》", ln)
        if q and named is None and re.search(r"公布|发布|施行", ln):
            named = (q.group(1), ln)
        d = _DATE.fullmatch(re.sub(r"\s+", "", ln))
        if d and named is not None:
            out["date_promulgated"], out["date_promulgated_line"] = parse_date(d), ln
            end = j
            break
    if named is None:
        return None
    title_line = lines[end + 1] if end is not None and end + 1 < len(lines) else None
    if title_line is not None and re.sub(r"\s+", "", title_line) == re.sub(r"\s+", "", named[0]):
        out["title"], out["title_line"] = title_line, title_line
    elif end is not None and end + 2 < len(lines) and \
            re.sub(r"\s+", "", lines[end + 1] + lines[end + 2]) == re.sub(r"\s+", "", named[0]):
        out["title"], out["title_line"] = lines[end + 1] + lines[end + 2], lines[end + 1] + "\n" + lines[end + 2]
    else:
        out["title"], out["title_line"] = named
    out["end"] = end
    return out


def text_metadata(text: str) -> dict[str, str | None]:
    """Title, document number, issuer and dates stated in a policy text.

    Rules
    -----
    ``title``
        From the document's title lines: the 标题 row of a gov.cn metadata table (``索 引 号`` …
        ``标　　题：…``); else, after an order page (below), the regulation's title printed under it;
        else the first non-blank line (Markdown ``#`` removed; a running head such as
        ``…公报`` or ``2012年第5期`` above it skipped) when it reads as a title: at most 80
        characters, no sentence punctuation (。；！？), not a document number, date or numbered
        line. A title printed over two lines is joined (the first line leaves a 《 or （ open, or
        does not end in a title word such as 条例/办法/规定 while the second does). A flattened
        text's first line (longer than 80 characters, or running on into its note or 第一章/第一条)
        gives the words before the note or the first chapter or article. Else None.
    Order pages
        A text that begins with an order page (``中华人民共和国国务院令`` / ``第656号``, ``中华人民共和国主席令``
        / ``第一一九号``, ``国家市场监督管理总局令`` / ``第43号`` on their own lines, then the order's text
        ``《…》…现予公布``, the signer and the date) gives ``doc_number`` (the two lines),
        ``issuer`` (the body of the order: 国务院, 中华人民共和国主席, 国家市场监督管理总局),
        ``date_promulgated`` (the order's date line) and ``title`` (the line after the order page,
        else the name in 《》 of the order's text).
    ``doc_number``
        The first document number (forms in the module docstring) in the first 12 lines that is
        not in brackets or a title (a cited document's number ``（国发〔2015〕50号）`` is not this
        document's).
    ``date_adopted``
        A date on a head line saying ``通过`` (adopted at a meeting).
    ``date_promulgated``
        A date on a head line saying ``公布``/``发布``/``颁布``, or of a line carrying an order
        number (``国务院令第716号``; also printed without a space, ``（2014年11月24日中华人民共和国国务院令
        第656号公布）``: the number is ``中华人民共和国国务院令第656号``, its body 国务院).
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

    order = _order_page(lines)
    if order is not None:
        for f in ("title", "doc_number", "issuer", "date_promulgated"):
            if order.get(f) is not None:
                put(f, order[f], order[f + "_line"])
    else:
        title, evidence = _title(lines)
        put("title", title, evidence)
    posted = None  # a web page's 发布日期 label (the posting date): promulgation only if nothing says 公布
    for ln in head:
        if ln == out["title"] or (out["title_line"] and ln in out["title_line"].split("\n")):
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
        put("issuer", _ORDER_ISSUER.get(body, body), out["doc_number_line"])
    return out
