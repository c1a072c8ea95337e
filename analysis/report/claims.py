"""Which statements of the report can the project's public data test, and do they hold?

Every check is a small function registered in :data:`CHECKS`. It takes the loaded data
(:class:`ClaimData`, from :func:`load_claim_data`) and returns one record (a dict with the columns
of :data:`CLAIM_COLUMNS`), or a list of records for Table 1, one per row. :func:`claims_table` runs
them all and returns one table sorted by page and claim_id.

Rules that hold for every check
-------------------------------
* ``claim_zh`` is taken from the report by code, never retyped: a sentence cut from a cleaned
  paragraph of :func:`analysis.corpus.report_text.parse_report` (located by a short anchor written in the check),
  the ``quote`` of an indicators row, or a row of Table 1 as printed (``table1_raw``, line breaks
  removed). ``quote_source`` says which.
* The verdict is computed inside the check by comparing the report's statement with the data:
  ``confirmed`` when every part of the statement was tested and holds; ``partly checked`` when
  the parts the data can test hold but some part cannot be tested (``reason`` names it);
  ``reading-dependent`` when a date holds only under the other reading of :data:`DATE_RULE` (both
  readings in ``evidence``); ``contradicted`` when a tested part fails; ``not checkable`` when the
  data at hand cannot test any part (``reason`` says why and which data would settle it). Only
  statements for which the project holds no data at all are "not checkable" by construction; every
  other verdict comes from a comparison, and ``tests/test_claims.py`` alters the evidence of each
  such check and expects its verdict to change.
* Dates the report prints are compared only with sources independent of the report: the State
  Council policy-library metadata (:func:`analysis.report.documents.read_state_council_metadata`), the
  LawRefBook texts, the UN survey files. Values the curated tables copied from the report are never
  used as evidence for the report — including a count the report states next to the items it
  names in the same sentence.

Decisions a reader should know
------------------------------
* One date rule for every date claim (:data:`DATE_RULE`): a date the report gives for a document is
  compared with the date the issuing body made it — 成文日期 of a policy document, the 通过 date of
  a law, regulation or judicial interpretation. The date it was made public (发布 / 公布) is the other
  reading; a date that fits only that one is ``reading-dependent`` and both dates are shown. The
  same rule dates titles in the timing checks (:func:`analysis.corpus.stats.document_year`:
  year written, else year published).
* Table 1's column is headed 发布时间, but of the 8 rows the State Council library holds, 6 fit both
  the written and the published month, row 4 fits only the published month and row 7 only the
  written month: the column mixes the two kinds of date (check ``t1-basis``); under either reading
  exactly one row disagrees.
* The timing checks use the project's one definition of "a State Council title names a technology",
  :data:`analysis.corpus.stats.TECH_KEYWORDS` matched by :func:`analysis.corpus.stats.technology_mentions`
  (NFKC-normalised titles, so the full-width ＋ counts as +; ``互联网+`` only for the Internet line), and
  its one year rule, :func:`analysis.corpus.stats.document_year` (year written, ``iss``, else year
  published: the library backfilled many older documents with late publication dates). Notebook 03
  uses the same functions, so the two notebooks count the same titles.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from ..corpus.stats import (TECH_KEYWORDS, document_year, normalize_title, technology_mentions,
                            technology_mentions_by_year, technology_timing)

__all__ = [
    "CONFIRMED", "PARTLY", "READING_DEPENDENT", "CONTRADICTED", "NOT_CHECKABLE", "VERDICTS", "DATE_RULE",
    "CLAIM_COLUMNS", "date_verdict", "combine", "table1_date_basis",
    "RULE_WORDS", "STRATEGY_WORDS", "VERY_HIGH_INDEX", "CONCENTRATION_THRESHOLD",
    "ClaimData", "ClaimCheckError", "CHECKS", "load_claim_data", "claims_table", "verdict_counts",
    "run_check", "table1_rows", "table1_date_check",
    "plot_titles_per_year", "plot_verdicts", "VERDICT_COLORS",
]

CONFIRMED = "confirmed"
PARTLY = "partly checked"
READING_DEPENDENT = "reading-dependent"
CONTRADICTED = "contradicted"
NOT_CHECKABLE = "not checkable"
VERDICTS = (CONFIRMED, PARTLY, READING_DEPENDENT, CONTRADICTED, NOT_CHECKABLE)

#: The one date rule of every date claim (stated once; see the module docstring).
DATE_RULE = ("a date the report gives for a document is compared with the date the issuing body made it "
             "(成文 of a policy document, 通过 of a law, regulation or judicial interpretation); the date it was "
             "made public (发布/公布) is the other reading")

#: Columns of :func:`claims_table`, in order.
CLAIM_COLUMNS = ["claim_id", "page", "section_path", "claim_zh", "quote_source", "claim_en", "data_used",
                 "evidence", "verdict", "reason"]

#: Title words that mark a management rule (as opposed to a development plan or guideline).
RULE_WORDS = ("管理", "规定", "办法", "条例", "规范", "治理", "监管")
#: Title words that mark a strategic document.
STRATEGY_WORDS = ("纲要", "规划", "战略")
#: Lower bound of the UN survey's "very high" group of an index (EGDI, OSI): 0.75–1.00.
VERY_HIGH_INDEX = 0.75
#: Share of a technology's State Council titles that must fall in a period for "concentrated in" to hold.
CONCENTRATION_THRESHOLD = 0.75
#: Fewest titles for a share to be computed at all.
MIN_TITLES = 5

_SC_FILE = "policy-transparency-china/state-council-dates.xlsx"


class ClaimCheckError(ValueError):
    """The report or a table no longer holds what a check relies on (check and anchor named)."""


@dataclass(frozen=True)
class ClaimData:
    """Everything the checks read. Replace a field (``dataclasses.replace``) to test a check on altered data.

    Attributes
    ----------
    paragraphs : DataFrame
        ``parse_report().paragraphs`` (para_id, page, page_end, section_path, text, line_start, line_end).
    lines : DataFrame
        ``parse_report().lines`` (lineno, page, kind, raw).
    text : str
        ``parse_report().text``.
    table1_raw : str
        ``parse_report().table1_raw``.
    indicators, documents, survey, provincial : DataFrame
        From ``analysis.load_indicators()``, ``load_documents()``, ``load_egov_survey()``,
        ``load_provincial_levels()``.
    state_council : DataFrame
        ``analysis.report.documents.read_state_council_metadata()`` (5,781 documents).
    cited_texts : dict
        doc_id -> (full text, source file) of the texts the project holds (``analysis.corpus.corpora.cited_texts``).
    """

    paragraphs: pd.DataFrame
    lines: pd.DataFrame
    text: str
    table1_raw: str
    indicators: pd.DataFrame
    documents: pd.DataFrame
    survey: pd.DataFrame
    provincial: pd.DataFrame
    state_council: pd.DataFrame
    cited_texts: dict = field(default_factory=dict)


def load_claim_data() -> ClaimData:
    """Load every table the checks use (report parsed afresh from the raw text).

    Returns
    -------
    ClaimData
    """
    import analysis
    from analysis.corpus.corpora import cited_texts
    from analysis.report.documents import read_state_council_metadata
    from analysis.corpus.report_text import parse_report

    parts = parse_report()
    texts = cited_texts()
    return ClaimData(
        paragraphs=parts.paragraphs, lines=parts.lines, text=parts.text, table1_raw=parts.table1_raw,
        indicators=analysis.load_indicators(), documents=analysis.load_documents(),
        survey=analysis.load_egov_survey(), provincial=analysis.load_provincial_levels(),
        state_council=read_state_council_metadata(),
        cited_texts={r.doc_id: (r.text, r.source_file) for r in texts.itertuples(index=False)},
    )


# ----------------------------------------------------------------------------------------------
# registry
# ----------------------------------------------------------------------------------------------
CHECKS: dict[str, Callable[[ClaimData], dict | list[dict]]] = {}


def _check(claim_id: str):
    def register(func):
        if claim_id in CHECKS:
            raise ValueError(f"claim_id {claim_id!r} registered twice")
        CHECKS[claim_id] = func
        func.claim_id = claim_id
        return func
    return register


def _record(claim_id: str, quote: dict, claim_en: str, data_used: str, evidence: str, verdict: str,
            reason: str = "") -> dict:
    if verdict not in VERDICTS:
        raise ClaimCheckError(f"{claim_id}: verdict {verdict!r} is not one of {VERDICTS}")
    if verdict in (NOT_CHECKABLE, PARTLY, READING_DEPENDENT) and not reason:
        raise ClaimCheckError(f"{claim_id}: a {verdict!r} verdict needs a reason")
    return {"claim_id": claim_id, **quote, "claim_en": claim_en, "data_used": data_used,
            "evidence": evidence, "verdict": verdict, "reason": reason}


def combine(parts: list[bool | str | None]) -> str:
    """One verdict from the parts of a statement.

    A part is True (holds), False (fails), None (cannot be tested) or a verdict string (a date part
    from :func:`date_verdict`). Contradicted if any part fails; not checkable if no part was tested;
    reading-dependent if a date part holds only under the other reading; partly checked if some part
    could not be tested; confirmed otherwise.
    """
    norm = [CONFIRMED if p is True else CONTRADICTED if p is False else p for p in parts]
    tested = [p for p in norm if p not in (None, NOT_CHECKABLE)]
    if CONTRADICTED in tested:
        return CONTRADICTED
    if not tested:
        return NOT_CHECKABLE
    if READING_DEPENDENT in tested:
        return READING_DEPENDENT
    if len(tested) < len(norm) or PARTLY in tested:
        return PARTLY
    return CONFIRMED


def date_verdict(said: str, made: str | None, public: str | None) -> str:
    """Verdict of one date under :data:`DATE_RULE`.

    Parameters
    ----------
    said : str
        The report's date as a prefix: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
    made, public : str or None
        ISO dates from an independent source: made (成文/通过) and made public (发布/公布).

    Returns
    -------
    ``confirmed`` if ``made`` starts with ``said``; ``reading-dependent`` if only ``public`` does;
    ``contradicted`` if neither; ``not checkable`` if ``made`` is unknown.
    """
    if made is None or pd.isna(made):
        return NOT_CHECKABLE
    if str(made).startswith(said):
        return CONFIRMED
    if public is not None and not pd.isna(public) and str(public).startswith(said):
        return READING_DEPENDENT
    return CONTRADICTED


def _reading_reason(said: str, made, public, public_name: str = "the date made public") -> str:
    return (f"the report's {said} fits {public_name} ({public}) but not the date made ({made}); it holds "
            "only if read as 发布/公布, against the project's date rule")


# ----------------------------------------------------------------------------------------------
# quoting the report
# ----------------------------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"(?<=[。；！？])")


def _sentence(data: ClaimData, para_id: str, anchor: str) -> dict:
    """The sentence of a paragraph holding ``anchor`` (exactly once), with its page and section.

    The page is the one on which the sentence starts (:func:`_page_of_sentence`).
    """
    rows = data.paragraphs[data.paragraphs["para_id"] == para_id]
    if len(rows) != 1:
        raise ClaimCheckError(f"report: no paragraph {para_id}")
    para = rows.iloc[0]
    hits = [s for s in _SENTENCE_END.split(str(para["text"])) if anchor in s]
    if len(hits) != 1:
        raise ClaimCheckError(f"report {para_id}: anchor {anchor!r} found in {len(hits)} sentences, expected 1")
    sentence = hits[0].strip()
    return {"page": _page_of_sentence(data, para, sentence), "section_path": str(para["section_path"]),
            "claim_zh": sentence, "quote_source": f"report {para_id}"}


def _page_of_sentence(data: ClaimData, para: pd.Series, sentence: str):
    """Page on which ``sentence`` starts: its first characters located in the paragraph's body lines.

    Spaces are ignored on both sides (the raw text puts spaces between digits and CJK and breaks words
    across lines); the paragraph's start page when the start cannot be located.
    """
    lines = data.lines[(data.lines["lineno"] >= para["line_start"]) & (data.lines["lineno"] <= para["line_end"])
                       & data.lines["kind"].isin(["body", "heading"])]
    chars, pages = [], []
    for raw, page in zip(lines["raw"], lines["page"]):
        squeezed = re.sub(r"\s", "", str(raw))
        chars.append(squeezed)
        pages.extend([page] * len(squeezed))
    joined = "".join(chars)
    pos = joined.find(re.sub(r"\s", "", sentence)[:10])
    return pages[pos] if pos >= 0 else para["page"]


def _indicator(data: ClaimData, indicator_id: str) -> tuple[dict, pd.Series]:
    rows = data.indicators[data.indicators["indicator_id"] == indicator_id]
    if len(rows) != 1:
        raise ClaimCheckError(f"indicators: no row {indicator_id}")
    r = rows.iloc[0]
    return ({"page": r["page"], "section_path": str(r["section_path"]), "claim_zh": str(r["quote"]),
             "quote_source": f"indicator {indicator_id}"}, r)


# ----------------------------------------------------------------------------------------------
# State Council metadata helpers
# ----------------------------------------------------------------------------------------------
def _sc_match(data: ClaimData, title: str) -> pd.Series | None:
    """The State Council metadata entry whose (unwrapped) title equals ``title`` after normalisation."""
    from analysis.report.documents import match_state_council

    for issuer in ("", "国务院", "国务院办公厅"):  # the report often drops the issuer from the title
        m = match_state_council(pd.DataFrame({"doc_id": ["q"], "title": [issuer + title], "short_name": [title]}),
                                data.state_council)
        if not m.empty:
            return m.iloc[0]
    return None


def _norm_number(number: str) -> str:
    return re.sub(r"\s+", "", normalize_title(number)).replace("[", "〔").replace("]", "〕")


_TITLE_NUMBER = re.compile(r"《([^》]+)》（([^）]*?〔\s*\d{4}\s*〕\s*\d+\s*号)\s*）")


def _numbers_check(data: ClaimData, sentence: str) -> tuple[list[str], list[bool | None], int]:
    """Compare every 《title》（number） pair in a sentence with the State Council metadata."""
    notes, parts = [], []
    pairs = _TITLE_NUMBER.findall(sentence)
    for title, number in pairs:
        hit = _sc_match(data, title)
        if hit is None or pd.isna(hit["sc_doc_number"]):
            notes.append(f"{_norm_number(number)} not in the State Council library")
            parts.append(None)
            continue
        same = _norm_number(number) == _norm_number(hit["sc_doc_number"])
        parts.append(same)
        notes.append(f"{_norm_number(number)} {'=' if same else '≠'} library {hit['sc_doc_number']} "
                     f"(row {hit['sc_dates_row']})")
    return notes, parts, len(pairs)


# ----------------------------------------------------------------------------------------------
# e-government: the UN survey (page 4)
# ----------------------------------------------------------------------------------------------
_SETTLE = {
    "ind-021": "the UN Open Government Data Index (OGDI) 2020 and 2022 values, published apart from the EGDI files",
    "ind-022": "the UN Local Online Service Index (LOSI) 2022 city data set",
    "ind-023": "the UN Local Online Service Index (LOSI) 2022 city ranking",
}
_EGOV_EN = {
    "ind-015": "China's EGDI in 2022 is 0.8119",
    "ind-016": "China ranks 43rd in the EGDI 2022",
    "ind-017": "China's EGDI rank rose by 2 places from 2020 to 2022",
    "ind-018": "China's Online Service Index 2022 is 0.8876",
    "ind-019": "China's Telecommunication Infrastructure Index 2022 is 0.8050",
    "ind-020": "China's Human Capital Index 2022 is 0.7429",
    "ind-021": "China's open government data score 2022 is 0.8873",
    "ind-022": "Shanghai's Local Online Service Index 2022 is 0.8837",
    "ind-023": "Shanghai ranks 10th in the LOSI 2022",
}


def _survey_check(indicator_id: str) -> Callable[[ClaimData], dict]:
    def run(data: ClaimData) -> dict:
        from analysis.report.indicators import SURVEY_CHECKS, compare_with_survey

        quote, _ = _indicator(data, indicator_id)
        row = compare_with_survey(data.indicators, data.survey,
                                  checks={indicator_id: SURVEY_CHECKS[indicator_id]})
        row = row[row["indicator_id"] == indicator_id].iloc[0]
        if pd.isna(row["match"]):
            return _record(run.claim_id, quote, _EGOV_EN[indicator_id], "UN E-Government Survey files (none holds it)",
                           f"report value {row['value_text']}; {row['note']}", NOT_CHECKABLE,
                           f"not in the project's UN survey table; would be settled by {_SETTLE[indicator_id]}")
        verdict = CONFIRMED if bool(row["match"]) else CONTRADICTED
        value = row["survey_value"]
        shown = f"{value:.4f}" if row["survey_measure"] in ("egdi", "osi", "tii", "hci") else f"{value:g}"
        note = f" ({row['note']})" if row["note"] else ""
        return _record(run.claim_id, quote, _EGOV_EN[indicator_id],
                       f"egov_survey: {row['survey_source']}",
                       f"report {row['value_text']}; survey {row['survey_measure']} {row['survey_year']} = {shown}{note}",
                       verdict)
    return run


for _n, _iid in enumerate(["ind-015", "ind-016", "ind-017", "ind-018", "ind-019", "ind-020", "ind-021",
                           "ind-022", "ind-023"], start=1):
    _check(f"egov-{_n:02d}")(_survey_check(_iid))


def _china(data: ClaimData, years: tuple[int, ...]) -> pd.DataFrame:
    from analysis.report.indicators import country_components

    return country_components(data.survey, "CHN", years).set_index("year")


@_check("egov-10")
def egov_first_tier(data: ClaimData) -> dict:
    """保持在全球第一梯队: China's EGDI in the UN 'very high' group (≥ 0.75) in 2020 and 2022."""
    from analysis.report.egov import china_vs_world

    quote = _sentence(data, "p0018", "保持在全球第一梯队")
    cvw = china_vs_world(data.survey).set_index("year")
    vals = {y: float(cvw.at[y, "country_egdi"]) for y in (2020, 2022)}
    parts = [v >= VERY_HIGH_INDEX for v in vals.values()]
    return _record("egov-10", quote, "China remains in the world's first tier (UN 'very high' EGDI group)",
                   "egov_survey 2020, 2022 (China); UN group bound 0.75",
                   f"EGDI 2020 = {vals[2020]:.4f}, 2022 = {vals[2022]:.4f}; 'very high' means ≥ {VERY_HIGH_INDEX}",
                   combine(parts))


@_check("egov-11")
def egov_osi_high(data: ClaimData) -> dict:
    """继续保持全球高水平: China's OSI in the UN 'very high' band (≥ 0.75) in 2020 and 2022."""
    quote = _sentence(data, "p0018", "继续保持全球高水平")
    c = _china(data, (2020, 2022))
    vals = {y: float(c.at[y, "osi"]) for y in (2020, 2022)}
    return _record("egov-11", quote, "China's Online Service Index stays at a high global level",
                   f"egov_survey: {c.at[2020, 'source_file']} row {c.at[2020, 'source_row']}; "
                   f"{c.at[2022, 'source_file']} row {c.at[2022, 'source_row']}",
                   f"OSI 2020 = {vals[2020]:.4f}, 2022 = {vals[2022]:.4f} (both ≥ {VERY_HIGH_INDEX}, the UN 'very high' "
                   f"band, though 2022 is {vals[2020] - vals[2022]:.4f} lower)"
                   if all(v >= VERY_HIGH_INDEX for v in vals.values()) else
                   f"OSI 2020 = {vals[2020]:.4f}, 2022 = {vals[2022]:.4f}; 'very high' means ≥ {VERY_HIGH_INDEX}",
                   combine([v >= VERY_HIGH_INDEX for v in vals.values()]))


@_check("egov-12")
def egov_tii_rise(data: ClaimData) -> dict:
    """较2020年得分显著提升: China's TII rise 2020→2022 above the median rise of all countries."""
    quote = _sentence(data, "p0018", "较 2020年得分显著提升")
    s = data.survey[data.survey["year"].isin([2020, 2022]) & data.survey["assessed"].fillna(False)]
    wide = s.pivot(index="iso3", columns="year", values="tii").dropna()
    change = (wide[2022] - wide[2020]).astype(float)
    china = float(change["CHN"])
    median = float(change.median())
    above = int((change > china).sum())
    return _record("egov-12", quote, "China's TII rose markedly from 2020 (rule: more than the median country's change)",
                   f"egov_survey 2020 and 2022, {len(change)} countries assessed in both",
                   f"China TII {float(wide.at['CHN', 2020]):.4f} → {float(wide.at['CHN', 2022]):.4f} "
                   f"(+{china:.4f}); median change {median:+.4f}; {above} of {len(change)} countries rose more",
                   CONFIRMED if china > 0 and china > median else CONTRADICTED)


# ----------------------------------------------------------------------------------------------
# provincial service levels (page 4, the report's Figure 2)
# ----------------------------------------------------------------------------------------------
_PROV_ANCHOR = "呈逐年上升趋势"
_PROV_SETTLE = ("the 非常高/高/中/低 counts of the assessments of 2017, 2018 and 2020 (the 2018, 2019 and 2021 "
                "editions of the 中央党校 report)")


def _level_series(data: ClaimData, level: str) -> pd.Series:
    p = data.provincial[data.provincial["level"].astype("string") == level]
    return p.set_index("assessment_year")["n_provinces"].astype(int).sort_index(kind="stable")


@_check("prov-01")
def provincial_very_high_rising(data: ClaimData) -> dict:
    """非常高 count rising over the assessed years the sources give."""
    quote = _sentence(data, "p0019", _PROV_ANCHOR)
    s = _level_series(data, "非常高")
    known = ", ".join(f"{y}: {n}" for y, n in s.items())
    if len(s) < 2:
        return _record("prov-01", quote, "The number of provinces at 'very high' rises over 2016–2021",
                       "provincial_service_levels", f"known years {known or 'none'}", NOT_CHECKABLE,
                       f"fewer than two years known; would be settled by {_PROV_SETTLE}")
    rising = bool((s.diff().dropna() > 0).all())
    return _record("prov-01", quote, "The number of provinces at 'very high' rises over 2016–2021 (trend over the years known)",
                   "provincial_service_levels (level 非常高)",
                   f"非常高 provinces: {known}; {'rises at every known step' if rising else 'falls at a known step'}",
                   CONFIRMED if rising else CONTRADICTED)


@_check("prov-02")
def provincial_very_high_every_year(data: ClaimData) -> dict:
    """逐年: a rise from each year to the next, 2016–2021 — needs every year."""
    quote = _sentence(data, "p0019", _PROV_ANCHOR)
    s = _level_series(data, "非常高")
    years = list(range(2016, 2022))
    missing = [y for y in years if y not in s.index]
    steps = [(a, b) for a, b in zip(years, years[1:]) if a in s.index and b in s.index]
    falls = [(a, b) for a, b in steps if s[b] <= s[a]]
    known = ", ".join(f"{y}: {n}" for y, n in s.items())
    evidence = (f"非常高 provinces known for {known}; year-to-year steps with both years known: {len(steps)} of 5"
                + (f"; missing years {missing}" if missing else ""))
    if falls:
        verdict, reason = CONTRADICTED, ""
    elif missing:
        verdict, reason = NOT_CHECKABLE, f"no count for {', '.join(map(str, missing))}; would be settled by {_PROV_SETTLE}"
    else:
        verdict, reason = CONFIRMED, ""
    return _record("prov-02", quote, "The 'very high' count rises every year (逐年) from 2016 to 2021",
                   "provincial_service_levels (level 非常高)", evidence, verdict, reason)


@_check("prov-03")
def provincial_mid_low_falling(data: ClaimData) -> dict:
    """位于“中”“低”水平的呈下降趋势: each of the two levels needs two known years."""
    quote = _sentence(data, "p0019", _PROV_ANCHOR)
    parts, notes, gaps = [], [], []
    for level in ("中", "低"):
        s = _level_series(data, level)
        if len(s) < 2:
            gaps.append(level)
            notes.append(f"{level}: {len(s)} year(s) stated")
            parts.append(None)
            continue
        falling = bool((s.diff().dropna() < 0).all())
        parts.append(falling)
        notes.append(f"{level}: " + " → ".join(f"{n} ({y})" for y, n in s.items()))
    verdict = CONTRADICTED if False in parts else (NOT_CHECKABLE if gaps else CONFIRMED)
    reason = (f"no source states the {'/'.join(gaps)} count for two years (the 2019 and 2021 pages imply 0 at 低 "
              f"without stating it; 2016 gives only 非常高); would be settled by the full level counts of "
              f"2016–2021" if verdict == NOT_CHECKABLE else "")
    return _record("prov-03", quote, "The number of provinces at 'medium' and 'low' falls over 2016–2021",
                   "provincial_service_levels (levels 中, 低)", "; ".join(notes), verdict, reason)


# ----------------------------------------------------------------------------------------------
# dates, document numbers and timing (State Council library, LawRefBook texts)
# ----------------------------------------------------------------------------------------------
@_check("date-01")
def digital_government_guideline_number(data: ClaimData) -> dict:
    """《关于加强数字政府建设的指导意见》（国发〔2022〕14号）: number against the library."""
    quote = _sentence(data, "p0014", "国发〔2022〕14号")
    notes, parts, _ = _numbers_check(data, quote["claim_zh"])
    hit = _sc_match(data, "关于加强数字政府建设的指导意见")
    extra = (f"; the library's dates are 成文 {hit['sc_date_written']}, 发布 {hit['sc_date_published']} — the "
             "2022-04-19 meeting date is not in any source held" if hit is not None else "")
    verdict = combine(parts)
    return _record("date-01", quote, "The Guideline on digital government is 国发〔2022〕14号",
                   f"{_SC_FILE} (title match)", "; ".join(notes) + extra, verdict,
                   "" if verdict in (CONFIRMED, CONTRADICTED) else "the document is not in the State Council library")


@_check("time-01")
def technologies_differ_in_timing(data: ClaimData) -> dict:
    """不同技术制度出台的时间分布也不一致: first State Council title per technology."""
    quote = _sentence(data, "p0061", "不同技术制度出台的时间分布也不一致")
    hits = technology_mentions(data.state_council)
    first, notes = {}, []
    for tech in TECH_KEYWORDS:
        h = hits[(hits["technology"] == tech) & hits["year"].notna()]  # earliest first
        first[tech] = int(h.iloc[0]["year"]) if len(h) else None
        notes.append(f"{tech} {len(h)} titles, first {first[tech] if first[tech] else 'none'}"
                     + (f" ({h.iloc[0]['sc_date_written']})" if len(h) else ""))
    end = str(data.state_council["sc_date_published"].dropna().max())
    inf = 10_000
    key = {t: (y if y is not None else inf) for t, y in first.items()}
    differ = len(set(key.values())) > 1
    later = min(key["人工智能"], key["区块链"]) > max(key["互联网"], key["大数据"])
    return _record("time-01", quote,
                   "Rules for different technologies came at different times (AI and blockchain after Internet-plus and big data)",
                   f"{_SC_FILE}: titles with the keywords of corpus_stats.TECH_KEYWORDS, year written",
                   "; ".join(notes) + f"; the library ends {end}",
                   combine([differ, later]))


@_check("time-02")
def internet_plus_2015_marker(data: ClaimData) -> dict:
    """国发〔2015〕40号 issued in 2015 as the first Internet-plus document; numbers of the follow-ups."""
    quote = _sentence(data, "p0087", "以此为标识")
    notes, parts, _ = _numbers_check(data, quote["claim_zh"])
    hits = technology_mentions(data.state_council, {"互联网": TECH_KEYWORDS["互联网"]})
    lead = _sc_match(data, "关于积极推进“互联网+”行动的指导意见")
    if lead is None:
        parts += [None]
    else:
        parts.append(str(lead["sc_date_written"]).startswith("2015"))
        earliest = hits.iloc[0]
        parts.append(earliest["sc_dates_row"] == lead["sc_dates_row"])
        notes.append(f"国发〔2015〕40号 written {lead['sc_date_written']}; earliest 互联网+ title in the library: "
                     f"{earliest['title']} ({earliest['sc_date_written']})")
    return _record("time-02", quote,
                   "The 2015 Internet-plus guideline (国发〔2015〕40号) marks the start; later documents followed",
                   f"{_SC_FILE} and state-council-document-numbers.xlsx", "; ".join(notes), combine(parts),
                   "" if combine(parts) in (CONFIRMED, CONTRADICTED) else
                   "some of the documents named are not in the State Council library")


@_check("time-03")
def internet_plus_concentrated(data: ClaimData) -> dict:
    """这些政策集中在 2015-2020年: share of 互联网+ titles written 2015–2020.

    The term 互联网+ dates from 2015 (the Government Work Report of March 2015), so no title can
    precede the window: only its end can be falsified. The test is therefore the share of titles
    written after 2020, against the share of all State Council documents written since 2015 that
    fall after 2020 (titles before 2015, if any appeared in altered data, would count against too).
    """
    quote, _ = _indicator(data, "ind-074")
    by_year = technology_mentions_by_year(data.state_council, {"互联网": TECH_KEYWORDS["互联网"]})
    timing = technology_timing(by_year, window=(2015, 2020)).iloc[0]
    n, inside = int(timing["n_titles"]), int(timing["n_in_window"])
    yr = by_year["year"].astype(int)
    before = int(by_year.loc[yr < 2015, "n_titles"].sum())
    after = int(by_year.loc[yr > 2020, "n_titles"].sum())
    docs_since = by_year.loc[yr >= 2015].drop_duplicates("year")
    base = float(docs_since.loc[docs_since["year"].astype(int) <= 2020, "n_documents"].sum()
                 / max(int(docs_since["n_documents"].sum()), 1))
    t1 = table1_rows(data.table1_raw)
    t1_in = int(t1["year"].between(2015, 2020).sum())
    if n < MIN_TITLES:
        return _record("time-03", quote, "Internet-plus policies are concentrated in 2015–2020",
                       f"{_SC_FILE}", f"{n} titles with 互联网+", NOT_CHECKABLE,
                       "too few titles to compute a share; a ministry-level policy database would settle it")
    share = float(timing["share_in_window"])
    ok = share >= CONCENTRATION_THRESHOLD and share > base
    return _record("time-03", quote,
                   f"Internet-plus policies are concentrated in 2015–2020 (rule: ≥ {CONCENTRATION_THRESHOLD:.0%} of "
                   "State Council 互联网+ titles written in those years, more than the share of all documents written "
                   "since 2015)",
                   f"{_SC_FILE}: titles with 互联网+; report Table 1 for comparison",
                   f"{inside} of {n} State Council 互联网+ titles ({share:.0%}) written 2015–2020, {before} before 2015, "
                   f"{after} after 2020 (years {timing['first_year']}–{timing['last_year']}); of all documents written "
                   f"since 2015, {base:.0%} fall in 2015–2020. The term dates from 2015, so only the end of the window "
                   f"can be falsified: that is what this tests. Table 1 itself: {t1_in} of {len(t1)} rows dated 2015–2020",
                   CONFIRMED if ok else CONTRADICTED)


@_check("date-02")
def big_data_outline_date(data: ClaimData) -> dict:
    """2015年8月31日 国务院印发《促进大数据发展行动纲要》（国发〔2015〕50号）: number and date (DATE_RULE)."""
    quote = _sentence(data, "p0095", "2015年 8月 31日")
    notes, parts, _ = _numbers_check(data, quote["claim_zh"])
    m = re.search(r"(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日", quote["claim_zh"])
    said = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    hit = _sc_match(data, "促进大数据发展行动纲要")
    made, public = (None, None) if hit is None else (hit["sc_date_written"], hit["sc_date_published"])
    parts.append(None if hit is None else date_verdict(said, made, public))
    if hit is not None:
        notes.append(f"report {said}; library written (成文) {made}, published {public}")
    verdict = combine(parts)
    reason = {NOT_CHECKABLE: "the document is not in the State Council library",
              READING_DEPENDENT: _reading_reason(said, made, public),
              PARTLY: "part of the statement is not in the State Council library"}.get(verdict, "")
    return _record("date-02", quote, "The Big Data Action Outline (国发〔2015〕50号) was issued on 2015-08-31",
                   f"{_SC_FILE} (title match)", "; ".join(notes), verdict, reason)


@_check("time-04")
def big_data_outline_first(data: ClaimData) -> dict:
    """这是我国首个发展和应用大数据的战略性指导文件: no earlier strategic big-data title."""
    quote = _sentence(data, "p0095", "首个发展和应用大数据的战略性指导文件")
    hits = technology_mentions(data.state_council, {"大数据": TECH_KEYWORDS["大数据"]})
    before = hits[hits["sc_date_written"].astype("string") < "2015-08-31"]
    strategic = before[before["title"].map(lambda t: any(w in t for w in STRATEGY_WORDS))]
    other = "; ".join(f"{r.title} ({r.sc_doc_number}, {r.sc_date_written})" for r in before.itertuples())
    return _record("time-04", quote,
                   f"The Outline is China's first strategic big-data document (rule: no earlier State Council title with 大数据 "
                   f"and one of {'/'.join(STRATEGY_WORDS)})",
                   f"{_SC_FILE}: titles with 大数据",
                   f"{len(before)} earlier 大数据 title(s), {len(strategic)} strategic"
                   + (f": {other} — earlier, but a set of opinions, not a strategy" if len(before) and not len(strategic) else
                      (f": {other}" if len(before) else "")),
                   CONFIRMED if strategic.empty else CONTRADICTED)


@_check("date-03")
def big_data_document_numbers(data: ClaimData) -> dict:
    """The document numbers of the big-data rules listed on page 31."""
    quote = _sentence(data, "p0095", "主要文件包括")
    notes, parts, n = _numbers_check(data, quote["claim_zh"])
    held = sum(p is not None for p in parts)
    verdict = combine(parts)
    return _record("date-03", quote, "The document numbers of the listed big-data rules are right",
                   "state-council-document-numbers.xlsx (title match)",
                   f"{held} of {n} numbers held by the library: " + "; ".join(notes), verdict,
                   "" if verdict in (CONFIRMED, CONTRADICTED) else
                   f"{n - held} of the {n} documents are not in the State Council library (ministry documents); their "
                   "issuers' release pages would settle them")


@_check("date-04")
def ai_plan_2017(data: ClaimData) -> dict:
    """2017 年国务院出台的《新一代人工智能发展规划》."""
    quote = _sentence(data, "p0100", "2017 年国务院出台")
    hit = _sc_match(data, "新一代人工智能发展规划")
    if hit is None:
        return _record("date-04", quote, "The State Council issued the AI Development Plan in 2017", _SC_FILE,
                       "not found in the library", NOT_CHECKABLE, "title not in the State Council library")
    said = re.search(r"(\d{4})\s*年国务院出台", quote["claim_zh"]).group(1)
    made, public = hit["sc_date_written"], hit["sc_date_published"]
    verdict = date_verdict(said, made, public)
    return _record("date-04", quote, "The State Council issued the New Generation AI Development Plan in 2017",
                   f"{_SC_FILE} row {hit['sc_dates_row']}",
                   f"report {said}; {hit['sc_title']}: {hit['sc_doc_number']}, written {made}, published {public}",
                   verdict, _reading_reason(said, made, public) if verdict == READING_DEPENDENT else "")


@_check("time-05")
def ai_blockchain_no_dedicated_rules(data: ClaimData) -> dict:
    """区块链和人工智能…目前还没有形成针对政府治理领域的专项管理制度.

    Tested at the State Council level only (title rule below). Ministry rules lie outside that source —
    the same gap for which count-03 is only partly checked — so the verdict is at best "partly checked";
    the documents the report itself cites that name AI/blockchain with a rule word are listed in the
    evidence (the report's own list is not independent evidence, and a title cannot say whether a rule is
    "for the government-governance field").
    """
    quote = _sentence(data, "p0100", "目前还没有形成针对政府治理领域的专项管理制度")
    hits = technology_mentions(data.state_council, {k: TECH_KEYWORDS[k] for k in ("人工智能", "区块链")})
    rules = hits[hits["title"].map(lambda t: any(w in t for w in RULE_WORDS))]
    listed = "; ".join(f"{r.title} ({r.sc_date_written})" for r in hits.itertuples()) or "none"
    docs = data.documents
    cited = docs[(docs["level"].astype("string") == "central") & (docs["kind"].astype("string") != "State Council document")
                 & docs["title"].astype("string").str.contains("人工智能|区块链", regex=True).fillna(False)
                 & docs["title"].map(lambda t: any(w in str(t) for w in RULE_WORDS))]
    parts = [rules.empty, None]
    verdict = combine(parts)
    return _record("time-05", quote,
                   "There is no dedicated management rule for AI or blockchain in government (rule: no State Council title "
                   f"with 人工智能/区块链 and one of {'/'.join(RULE_WORDS)})",
                   f"{_SC_FILE}: titles with 人工智能 or 区块链; documents table (ministry level, for reference)",
                   f"{len(hits)} AI/blockchain titles in the library ({listed}), {len(rules)} of them a management rule; "
                   f"among the central non-State-Council documents the report cites, {len(cited)} name AI/blockchain with a "
                   f"rule word: " + ("; ".join(f"{t} ({i})" for t, i in zip(cited["title"], cited["issuer_zh"])) or "none"),
                   verdict,
                   "" if verdict == CONTRADICTED else
                   "only the State Council level can be tested: ministry rules are outside the State Council library (as for "
                   "count-03), and whether the ministry rules the report cites are 'for the government-governance field' is "
                   "not settled by their titles; a complete list of ministry normative documents would settle it")


_HEADER_DATE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
_FILE_DATE = re.compile(r"\(((?:19|20)\d{2})-(\d{2})-(\d{2})\)\.md$")


def _lawrefbook_dates(data: ClaimData, doc_id: str) -> tuple[str | None, str | None, str]:
    """(date in the promulgation line, date in the file name, source file) of a LawRefBook text."""
    if doc_id not in data.cited_texts:
        raise ClaimCheckError(f"cited_texts: no text for {doc_id}")
    text, source = data.cited_texts[doc_id]
    header = text.split("<!-- INFO END -->", 1)[0]
    m = _HEADER_DATE.search(header)
    adopted = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None
    f = _FILE_DATE.search(str(source))
    version = f"{f.group(1)}-{f.group(2)}-{f.group(3)}" if f else None
    return adopted, version, str(source)


def _month_in(sentence: str, anchor_re: str) -> str:
    m = re.search(anchor_re, sentence)
    if not m:
        raise ClaimCheckError(f"no date matching {anchor_re!r} in {sentence[:40]!r}")
    return f"{m.group(1)}-{int(m.group(2)):02d}"


#: What the other reading compares for a LawRefBook text: the date in its file name, which data/raw/SOURCES.md calls
#: the version date. The project holds no 公布 (publication) date for these texts; the version date stands in for it.
LAWREFBOOK_PUBLIC = "version date (LawRefBook file name; compared as the date made public, 公布)"


def _adoption_date_check(data: ClaimData, check_id: str, para: str, anchor: str, month_re: str, doc_id: str,
                         claim_en: str, adopted_label: str) -> dict:
    """A month the report gives for a LawRefBook text, judged by DATE_RULE (made = adopted 通过; the other reading
    compares the file name's version date, :data:`LAWREFBOOK_PUBLIC`)."""
    quote = _sentence(data, para, anchor)
    said = _month_in(quote["claim_zh"], month_re)
    adopted, version, source = _lawrefbook_dates(data, doc_id)
    verdict = date_verdict(said, adopted, version)
    reason = {NOT_CHECKABLE: "no adoption date in the file's promulgation line",
              READING_DEPENDENT: _reading_reason(said, adopted, version, "the file's version date")}.get(verdict, "")
    return _record(check_id, quote, claim_en, source.split("/", 2)[-1] if "/" in source else source,
                   f"report {said}; {adopted_label} {adopted}; {LAWREFBOOK_PUBLIC} {version}",
                   verdict, reason)


@_check("date-05")
def face_recognition_interpretation(data: ClaimData) -> dict:
    """最高人民法院在 2021年 6月出台…人脸识别…规定 (DATE_RULE: made = adopted 通过; other reading: version date)."""
    return _adoption_date_check(data, "date-05", "p0100", "最高人民法院在", r"(\d{4})年\s*(\d{1,2})月出台",
                                "spc-face-recognition-2021",
                                "The Supreme People's Court issued its face-recognition interpretation in June 2021",
                                "adopted (通过, promulgation line)")


@_check("date-06")
def shenzhen_ai_regulation_date(data: ClaimData) -> dict:
    """2022年9月《深圳经济特区人工智能产业促进条例》正式印发 (DATE_RULE: made = adopted 通过; other reading: version
    date)."""
    return _adoption_date_check(data, "date-06", "p0103", "正式印发", r"(\d{4})年\s*(\d{1,2})\s*月",
                                "shenzhen-ai-regulation-2022",
                                "The Shenzhen AI regulation was formally issued in September 2022",
                                "adopted by the Standing Committee (通过)")


@_check("date-07")
def shenzhen_first_local_ai_law(data: ClaimData) -> dict:
    """这是全国首部地方性人工智能法规: needs every local regulation."""
    quote = _sentence(data, "p0103", "全国首部地方性人工智能法规")
    local = [d for d, (_, src) in data.cited_texts.items() if "地方性法规" in str(src)]
    return _record("date-07", quote, "The Shenzhen regulation is China's first local AI regulation",
                   "cited texts (LawRefBook local regulations)",
                   f"the project holds {len(local)} local regulations ({', '.join(sorted(local))})", NOT_CHECKABLE,
                   "the project holds no complete list of local regulations; the 地方性法规 section of the National "
                   "Database of Laws and Regulations (flk.npc.gov.cn) searched for 人工智能 before 2022-09 would settle it")


def _named_items(quote: str, start: str, stop: str) -> list[str]:
    m = re.search(re.escape(start) + r"(.+?)" + re.escape(stop), quote)
    if not m:
        raise ClaimCheckError(f"no list between {start!r} and {stop!r} in {quote[:40]!r}")
    return [x.strip() for x in m.group(1).split("、") if x.strip()]


def _principles_check(claim_id: str, indicator_id: str, start: str, stop: str, claim_en: str):
    def run(data: ClaimData) -> dict:
        quote, row = _indicator(data, indicator_id)
        names = _named_items(quote["claim_zh"], start, stop)
        text, source = data.cited_texts["shenzhen-ai-regulation-2022"]
        found = [n for n in names if n in text]
        article = next((a for a in re.findall(r"第[一二三四五六七八九十百]+条[^\n]*", text) if all(n in a for n in names)), None)
        # the count is tested against the regulation's own list, never against the names in the report's sentence
        listed = None
        if article:
            m = re.search(r"遵循(.+?)原则", article)
            listed = [x for x in m.group(1).split("、") if x] if m else None
        parts = [len(found) == len(names), None if listed is None else len(listed) == int(row["value"])]
        verdict = combine(parts)
        return _record(claim_id, quote, claim_en,
                       f"{source.split('/', 2)[-1]} (full text)",
                       f"{len(found)} of the {len(names)} principles the report names are in the regulation's text"
                       + (f", all in one article ({article[:6]}…), which lists {len(listed)} principles "
                          f"(report: {int(row['value'])})" if article and listed is not None else ""),
                       verdict, "" if verdict != PARTLY else "the regulation has no single article listing them, "
                       "so the count cannot be tested")
    run.claim_id = claim_id
    return run


_check("count-01")(_principles_check("count-01", "ind-078", "八大原则——", "，这八大原则",
                                     "The eight AI governance principles are taken up in the Shenzhen AI regulation"))
_check("count-02")(_principles_check("count-02", "ind-083", "国际公认的", "等八大治理原则",
                                     "The Shenzhen AI regulation establishes eight governance principles"))


@_check("count-03")
def blockchain_central_documents(data: ClaimData) -> dict:
    """中央层面目前出台了…三个文件: State Council level testable, ministry level not."""
    quote, _ = _indicator(data, "ind-084")
    named = re.findall(r"《([^》]+)》", quote["claim_zh"])
    held = [t for t in named if _sc_match(data, t) is not None]
    sc_hits = technology_mentions(data.state_council, {"区块链": TECH_KEYWORDS["区块链"]})
    extra = len(sc_hits) - len(held)
    evidence = (f"{len(held)} of the named documents are in the State Council library, which has {len(sc_hits)} titles "
                f"with 区块链 in all ({max(extra, 0)} beyond the named ones)")
    # State Council level: no blockchain title beyond the named ones; ministry level: no complete list held
    parts = [extra <= 0, None]
    verdict = combine(parts)
    return _record("count-03", quote, "Three central documents on blockchain have been issued",
                   f"{_SC_FILE}: titles with 区块链", evidence, verdict,
                   "" if verdict == CONTRADICTED else
                   "the State Council level holds; the named documents are ministry documents (CAC, MIIT, 18 departments) "
                   "and no source held lists ministry documents, so a fourth at that level cannot be ruled out; a complete "
                   "list of central ministry normative documents would settle it")


@_check("count-04")
def data_sharing_lists(data: ClaimData) -> dict:
    """2018-2020年连续发布三批《国务院部门数据共享责任清单》."""
    quote, row = _indicator(data, "ind-065")
    hits = data.state_council[data.state_council["title"].astype("string").str.contains("数据共享责任清单", regex=False)
                              .fillna(False)]
    if hits.empty:
        return _record("count-04", quote, "Three batches of departmental data-sharing lists were published 2018–2020",
                       f"{_SC_FILE}: titles with 数据共享责任清单", "no title with 数据共享责任清单 in the library",
                       NOT_CHECKABLE, "the lists were not issued as State Council policy documents; the gov.cn release "
                       "pages of the three batches would settle it")
    years = sorted(document_year(hits)["year"].dropna().astype(int))
    ok = len(hits) == int(row["value"]) and all(2018 <= y <= 2020 for y in years)
    return _record("count-04", quote, "Three batches of departmental data-sharing lists were published 2018–2020",
                   f"{_SC_FILE}", f"{len(hits)} titles, years {years}", CONFIRMED if ok else CONTRADICTED)


@_check("count-05")
def blockchain_projects(data: ClaimData) -> dict:
    """2020年全国落地的政务区块链项目达72个，2021年达87项."""
    quote, _ = _indicator(data, "ind-044")
    return _record("count-05", quote, "Government blockchain projects grew from 72 (2020) to 87 (2021)",
                   "none", "the report credits two industry white papers (智慧城市生态圈; 赛迪研究院)", NOT_CHECKABLE,
                   "no public series of government blockchain projects in the project; the project lists behind the two "
                   "white papers (or the CAC blockchain filing register) would settle it")


@_check("count-06")
def local_blockchain_policies(data: ClaimData) -> dict:
    """各省市发布区块链…政策文件已经超过百份，十余个省市出台区块链专项发展政策."""
    quote, _ = _indicator(data, "ind-089")
    return _record("count-06", quote, "Over 100 local policy documents on blockchain; over ten provinces with dedicated policies",
                   "none (the policy collection holds one province, Shandong)",
                   "the project's only local policy set is 55 Shandong texts", NOT_CHECKABLE,
                   "no collection of provincial policy documents; a provincial policy database (e.g. PKULaw local "
                   "normative documents) searched for 区块链 would settle it")


# ----------------------------------------------------------------------------------------------
# Table 1 (pages 30–31)
# ----------------------------------------------------------------------------------------------
_T1_DATE = re.compile(r"((?:19|20)\d{2})年\s*(\d{1,2})月")


def table1_rows(table1_raw: str, lines: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of the report's Table 1 as printed: number, title, 发布时间.

    Parameters
    ----------
    table1_raw : str
        ``parse_report().table1_raw`` (the raw table lines).
    lines : pandas.DataFrame, optional
        ``parse_report().lines``; when given, each row gets the page of its date line.

    Returns
    -------
    pandas.DataFrame
        table1_row (Int64, 1–20), text (row text as printed, line breaks and the 领域 cell removed),
        date_text (as printed, e.g. ``2016年 4月``), year, month (Int64), page (Int64 or missing).

    Raises
    ------
    ClaimCheckError
        If the rows are not numbered 1, 2, … in order.
    """
    body = [ln for ln in table1_raw.split("\n") if ln.strip() and not ln.startswith("序号")]
    joined = "".join(body)
    rows, pos = [], 0
    for n, m in enumerate(_T1_DATE.finditer(joined), start=1):
        chunk = joined[pos:m.start()]
        num = re.match(r"\s*(\d+)\s*", chunk)
        if not num or int(num.group(1)) != n:
            raise ClaimCheckError(f"Table 1: row {n} does not start with its number ({chunk[:20]!r})")
        rows.append({"table1_row": n, "cell": chunk[num.end():], "date_text": m.group(0),
                     "year": int(m.group(1)), "month": int(m.group(2))})
        pos = m.end()
    out = pd.DataFrame(rows)
    # the 领域 cell precedes the title: strip it where the title begins with an issuer or 关于
    out["text"] = out["cell"].str.replace(r"^\s*(?:政务服务|医疗健康|民政服务|知识产权保护|不动产登记|旅游)\s*", "",
                                          regex=True).str.strip()
    out["page"] = pd.NA
    if lines is not None:
        dates = lines[(lines["kind"] == "table_body") & lines["raw"].str.contains(r"(?:19|20)\d{2}年\s*\d{1,2}月", regex=True)]
        pages = [p for raw, p in zip(dates["raw"], dates["page"]) for _ in _T1_DATE.findall(raw)]
        if len(pages) == len(out):
            out["page"] = pages
    return out[["table1_row", "text", "date_text", "year", "month", "page"]].astype(
        {"table1_row": "Int64", "text": "string", "date_text": "string", "year": "Int64", "month": "Int64",
         "page": "Int64"})


def table1_date_check(data: ClaimData) -> pd.DataFrame:
    """Table 1's 发布时间 against the State Council library, one row per Table 1 row.

    Returns
    -------
    pandas.DataFrame
        table1_row, doc_id, report_month (YYYY-MM as printed), sc_date_written, sc_date_published,
        sc_dates_row, matches_published, matches_written (boolean; missing when the library does not hold
        the document). Sorted by table1_row.
    """
    t1 = table1_rows(data.table1_raw)
    docs = data.documents[data.documents["table1_row"].notna()].set_index("table1_row")
    out = []
    for r in t1.itertuples(index=False):
        d = docs.loc[r.table1_row] if r.table1_row in docs.index else None
        month = f"{r.year}-{r.month:02d}"
        held = d is not None and pd.notna(d["sc_dates_row"])
        out.append({
            "table1_row": r.table1_row, "doc_id": None if d is None else d["doc_id"], "report_month": month,
            "sc_date_written": d["sc_date_written"] if held else pd.NA,
            "sc_date_published": d["sc_date_published"] if held else pd.NA,
            "sc_dates_row": d["sc_dates_row"] if held else pd.NA,
            "matches_published": str(d["sc_date_published"]).startswith(month) if held else pd.NA,
            "matches_written": str(d["sc_date_written"]).startswith(month) if held else pd.NA,
        })
    return pd.DataFrame(out).astype({"table1_row": "Int64", "doc_id": "string", "report_month": "string",
                                     "sc_date_written": "string", "sc_date_published": "string",
                                     "sc_dates_row": "Int64", "matches_published": "boolean",
                                     "matches_written": "boolean"})


def table1_date_basis(check: pd.DataFrame) -> dict:
    """Which kind of date Table 1's 发布时间 column gives, from :func:`table1_date_check`.

    Returns
    -------
    dict with ``n_held`` (rows the library holds), ``both``, ``written_only``, ``published_only``,
    ``neither`` (lists of Table 1 row numbers) and ``basis``: ``"written"`` or ``"published"`` when every
    held row fits that kind of date, ``"mixed"`` when some rows fit only one kind and others only the
    other, ``"neither"`` when some row fits neither.
    """
    held = check[check["matches_published"].notna()]
    w, p = held["matches_written"].astype(bool), held["matches_published"].astype(bool)
    rows = {"both": held.loc[w & p, "table1_row"], "written_only": held.loc[w & ~p, "table1_row"],
            "published_only": held.loc[~w & p, "table1_row"], "neither": held.loc[~w & ~p, "table1_row"]}
    out = {k: [int(x) for x in v] for k, v in rows.items()}
    out["n_held"] = len(held)
    if out["neither"]:
        out["basis"] = "neither"
    elif out["written_only"] and out["published_only"]:
        out["basis"] = "mixed"
    elif out["published_only"]:
        out["basis"] = "published"
    else:
        out["basis"] = "written"
    return out


@_check("table1")
def table1_dates(data: ClaimData) -> list[dict]:
    """One claim per Table 1 row the library holds (DATE_RULE), one for the rest, one for the column's basis."""
    t1 = table1_rows(data.table1_raw, data.lines).set_index("table1_row")
    check = table1_date_check(data)
    out, rest = [], []
    for r in check.itertuples(index=False):
        row = t1.loc[r.table1_row]
        quote = {"page": row["page"], "section_path": "三/（三）/1",
                 "claim_zh": f"{row['text']} {row['date_text']}", "quote_source": f"report Table 1 row {r.table1_row}"}
        if pd.isna(r.matches_published):
            rest.append(r.table1_row)
            continue
        verdict = date_verdict(r.report_month, r.sc_date_written, r.sc_date_published)
        out.append(_record(f"t1-row-{r.table1_row:02d}", quote,
                           f"Table 1 row {r.table1_row} ({r.doc_id}) dates the document {r.report_month}",
                           f"{_SC_FILE} row {r.sc_dates_row} (via documents.sc_dates_row)",
                           f"printed {row['date_text']}; library 成文 {r.sc_date_written}, 发布 {r.sc_date_published}",
                           verdict, _reading_reason(r.report_month, r.sc_date_written, r.sc_date_published)
                           if verdict == READING_DEPENDENT else ""))
    basis = table1_date_basis(check)
    header = next(ln for ln in data.table1_raw.split("\n") if ln.startswith("序号"))
    first = t1.iloc[0]
    fmt = lambda xs: ", ".join(map(str, xs)) or "none"  # noqa: E731
    out.append(_record(
        "t1-basis", {"page": first["page"], "section_path": "三/（三）/1", "claim_zh": header.strip(),
                     "quote_source": "report Table 1 header"},
        "Table 1's 发布时间 column gives one kind of date for every row",
        f"{_SC_FILE} (rows via documents.sc_dates_row)",
        f"of {basis['n_held']} rows the library holds: {len(basis['both'])} fit both the written and the published month "
        f"(rows {fmt(basis['both'])}), {len(basis['published_only'])} only the published month (rows "
        f"{fmt(basis['published_only'])}), {len(basis['written_only'])} only the written month (rows "
        f"{fmt(basis['written_only'])}), {len(basis['neither'])} neither; the column's basis: {basis['basis']}",
        CONTRADICTED if basis["basis"] in ("mixed", "neither") else CONFIRMED))
    if rest:
        first = t1.loc[rest[0]]
        quote = {"page": first["page"], "section_path": "三/（三）/1",
                 "claim_zh": f"{first['text']} {first['date_text']}",
                 "quote_source": f"report Table 1 rows {rest[0]}–{rest[-1]} (first quoted)"}
        out.append(_record("t1-rows-other", quote,
                           f"Table 1 dates of the {len(rest)} rows the State Council library does not hold",
                           f"{_SC_FILE} (no title match)",
                           f"rows {', '.join(map(str, rest))}: ministry documents, none in the library", NOT_CHECKABLE,
                           "ministry documents are not in the State Council library; the issuing ministries' release "
                           "pages would settle them"))
    return out


# ----------------------------------------------------------------------------------------------
# running
# ----------------------------------------------------------------------------------------------
def run_check(claim_id: str, data: ClaimData) -> list[dict]:
    """Run one registered check (``claim_id`` as in :data:`CHECKS`) and return its record(s) as a list."""
    if claim_id not in CHECKS:
        raise KeyError(f"no check {claim_id!r}; registered: {sorted(CHECKS)}")
    res = CHECKS[claim_id](data)
    return res if isinstance(res, list) else [res]


def claims_table(data: ClaimData | None = None) -> pd.DataFrame:
    """Run every check and return the claims table.

    Parameters
    ----------
    data : ClaimData, optional
        Loaded with :func:`load_claim_data` when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CLAIM_COLUMNS`: claim_id (unique), page (Int64), section_path, claim_zh (verbatim),
        quote_source, claim_en, data_used, evidence, verdict (confirmed / contradicted / not checkable),
        reason (why not checkable and which data would settle it; empty otherwise). Sorted by page, claim_id.

    Raises
    ------
    ClaimCheckError
        If two records share a claim_id, or a check's anchor is no longer in the report.
    """
    data = load_claim_data() if data is None else data
    records = [rec for cid in CHECKS for rec in run_check(cid, data)]
    out = pd.DataFrame(records, columns=CLAIM_COLUMNS)
    dup = out["claim_id"][out["claim_id"].duplicated()]
    if len(dup):
        raise ClaimCheckError(f"claims: claim_id {dup.iloc[0]!r} occurs twice")
    out = out.astype({"page": "Int64", **{c: "string" for c in CLAIM_COLUMNS if c != "page"}})
    return out.sort_values(["page", "claim_id"], kind="mergesort", na_position="last").reset_index(drop=True)


def verdict_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Number of claims per verdict (all three verdicts listed, zero included).

    Returns
    -------
    pandas.DataFrame
        verdict, n_claims.
    """
    counts = table["verdict"].astype("string").value_counts()
    return pd.DataFrame({"verdict": list(VERDICTS), "n_claims": [int(counts.get(v, 0)) for v in VERDICTS]}).astype(
        {"verdict": "string", "n_claims": "Int64"})


def plot_titles_per_year(by_year: pd.DataFrame, *, period: tuple[int, int] = (2015, 2020),
                         last_date: str | None = None):
    """Stacked bars: State Council titles per year with each technology keyword (analysis.TECH_COLORS).

    Parameters
    ----------
    by_year : pandas.DataFrame
        From :func:`analysis.corpus.stats.technology_mentions_by_year` (``technology``, ``year``,
        ``n_titles``); pass its ``years`` to choose the span drawn. Technologies are stacked in the
        order they appear.
    period : (int, int)
        Years shaded as the report's 2015–2020 period.
    last_date : str, optional
        Last date the source covers (ISO ``YYYY-MM-DD``). When it falls inside a drawn year, that year is
        marked partial the way notebook 03 marks it: hatched, its tick reads ``2023\n(1–9月)`` and a note
        says ``Jan–Sep``.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    import matplotlib.pyplot as plt

    from ..plotting import ENGLISH, TECH_COLORS, title

    counts = by_year.pivot(index="year", columns="technology", values="n_titles").sort_index(kind="stable").astype(float)
    years = counts.index.astype(int)
    partial = None
    if last_date is not None:
        end = pd.Timestamp(last_date)
        if end.year in set(years) and not (end.month == 12 and end.day == 31):
            partial = end
    fig, ax = plt.subplots(figsize=(9, 4.6), layout="constrained")
    ax.axvspan(period[0] - 0.5, period[1] + 0.5, color="#EEEEEE", zorder=0)
    ax.text(period[0] - 0.4, 0.98, f"报告所称 {period[0]}–{period[1]}\nthe report's period",
            transform=ax.get_xaxis_transform(), ha="left", va="top", fontsize=9, color="#555555")
    bottom = pd.Series(0.0, index=counts.index)
    for tech in by_year["technology"].drop_duplicates():
        vals = counts[tech]
        label = f"{'“互联网+”' if tech == '互联网' else tech} ({ENGLISH[tech]}): {int(vals.sum())}"
        ax.bar(years, vals, bottom=bottom, color=TECH_COLORS[tech], label=label, zorder=2)
        bottom += vals
    top = int(max(bottom.max(), 1))
    ax.set_ylim(0, top + 1.5)
    ax.set_yticks(range(0, top + 2))
    ticks = [str(y) for y in years]
    if partial is not None:
        ax.axvspan(partial.year - 0.5, partial.year + 0.5, facecolor="none", edgecolor="#CCCCCC", hatch="////",
                   lw=0, zorder=0)
        month_en = partial.strftime("%b")
        ax.text(partial.year, 0.5, f"部分年份\npartial:\n1–{partial.month}月\nJan–{month_en}", ha="center",
                va="center", fontsize=8, color="#555555", transform=ax.get_xaxis_transform(),
                bbox=dict(boxstyle="square,pad=0.15", fc="white", ec="none"))
        ticks[list(years).index(partial.year)] = f"{partial.year}\n(1–{partial.month}月)"
    ax.set_xticks(years, ticks)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel("成文年份，缺则用发布年份 year written, else year published")
    ax.set_ylabel("标题含关键词的国务院文件数\nState Council documents whose title names it")
    # below the axes: inside, it would cover the partial year's hatching and the gridlines would cross it
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.24), ncol=2, frameon=False, fontsize=9,
              title="关键词 keyword: 文件数 documents", title_fontsize=9)
    fig.get_layout_engine().set(h_pad=0.12)  # room between the legend and a caption hung below the figure
    title(ax, "国务院文件标题中的技术关键词，按年份",
          "State Council documents whose title names each technology, by year written")
    return fig, ax


#: Colours of the verdicts: none in the family of a technology colour (the rule of analysis.plotting, tested in
#: tests/test_figure_rules.py) — dark grey and tan of plotting.GROUP_COLORS, then Paul Tol's cyan and red.
VERDICT_COLORS = {CONFIRMED: "#3B3B3B", PARTLY: "#A3957F", READING_DEPENDENT: "#66CCEE",
                  CONTRADICTED: "#EE6677", NOT_CHECKABLE: "#D9D9D9"}
_DARK_FILLS = {"#3B3B3B"}   # bar labels in white on these
_FAMILY_LABELS = {"egov": "电子政务指数 e-government (UN survey)", "prov": "省级服务水平 provincial levels",
                  "date": "日期与文号 dates and numbers", "time": "出台时间分布 timing",
                  "count": "文件与原则计数 counts", "t1": "表1 发布时间 Table 1"}


def plot_verdicts(table: pd.DataFrame):
    """Claims-check verdicts at a glance: one horizontal bar per family of check, split by verdict.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`claims_table`; the family is the claim_id's prefix (``egov``, ``prov``, ``date``,
        ``time``, ``count``, ``t1``).

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    import matplotlib.pyplot as plt

    from ..plotting import title

    fam = table["claim_id"].str.split("-").str[0]
    counts = pd.crosstab(fam, table["verdict"].astype("string")).reindex(
        index=[f for f in _FAMILY_LABELS if f in set(fam)][::-1], columns=list(VERDICTS), fill_value=0)
    fig, ax = plt.subplots(figsize=(9, 3.8), layout="constrained")
    left = pd.Series(0, index=counts.index)
    for v in VERDICTS:
        vals = counts[v]
        ax.barh([_FAMILY_LABELS[f] for f in counts.index], vals, left=left, color=VERDICT_COLORS[v],
                label=f"{v} ({int(vals.sum())})", edgecolor="white", linewidth=0.8)
        for y, (n, x0) in enumerate(zip(vals, left)):
            if n:
                ax.text(x0 + n / 2, y, str(int(n)), ha="center", va="center", fontsize=9,
                        color="white" if VERDICT_COLORS[v] in _DARK_FILLS else "black")
        left = left + vals
    ax.set_xlabel("陈述数 number of statements")
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, int(left.max()) + 0.5)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8.5, title="verdict (n)",
              title_fontsize=9)
    title(ax, "报告陈述核查结果一览", f"Claims-check verdicts at a glance: {len(table)} statements")
    return fig, ax
