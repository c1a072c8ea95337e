"""Browsing the report's indicators and checking its e-government figures against the UN survey.

What is here
------------
* :func:`find_indicators` filters the indicators table (``analysis.load_indicators()``) by topic,
  kind and a literal text search, the way a student looks for "all blockchain figures".
* :func:`qualifier_glossary` lists the report's hedge words (超, 近, 余, …) with their English
  meaning, how often each occurs and examples.
* :func:`compare_with_survey` takes the report's statements about the UN E-Government Survey
  (topic 电子政务指数) and compares each with the survey table (``analysis.load_egov_survey()``).
  Which indicator is compared with which survey field is written down in :data:`SURVEY_CHECKS`.
* :func:`country_components` gives a country's EGDI, rank and four component indices per year.
* :func:`plot_rank_and_egdi`, :func:`plot_components`, :func:`plot_vs_world` draw the three
  figures of notebook ``01-indicators`` (titles included; the caller adds caption and saves).

Decisions a reader should know
------------------------------
* An index score matches when the survey value, rounded to as many decimals as the report prints
  (``0.8050`` -> 4), equals the report's value. Ranks and rank changes must be equal.
* Statements the survey table cannot check (the open government data index OGDI and the city-level
  LOSI of Shanghai are published by the UN in separate data sets the project does not hold) are
  returned with ``match`` missing and a note, never as agreement.
* Each check verifies that the indicator row still says what the check assumes (unit, entity,
  year); a row renumbered or edited so that it no longer fits raises :class:`IndicatorCheckError`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "IndicatorCheckError",
    "STATISTIC_COLUMNS",
    "COMPONENTS",
    "SurveyCheck",
    "SURVEY_CHECKS",
    "find_indicators",
    "qualifier_glossary",
    "country_components",
    "compare_with_survey",
    "plot_rank_and_egdi",
    "plot_components",
    "plot_vs_world",
]


class IndicatorCheckError(ValueError):
    """An indicator row or the survey table does not fit a comparison (indicator and field named)."""


#: Columns that describe one stated number, in reading order.
STATISTIC_COLUMNS = [
    "indicator_id", "name_zh", "value_text", "value", "unit", "scale", "value_base",
    "qualifier", "qualifier_en", "year", "page",
]

#: The four component indices of the UN survey: column -> (Chinese name, English name).
COMPONENTS: dict[str, tuple[str, str]] = {
    "osi": ("在线服务指数", "Online Service Index (OSI)"),
    "hci": ("人力资本指数", "Human Capital Index (HCI)"),
    "tii": ("电信基础设施指数", "Telecommunication Infrastructure Index (TII)"),
    "epi": ("电子参与指数", "E-Participation Index (EPI)"),
}


@dataclass(frozen=True)
class SurveyCheck:
    """How one report indicator is compared with the survey table.

    Attributes
    ----------
    measure : str
        Survey column (``egdi``, ``rank``, ``osi``, ``hci``, ``tii``, ``epi``), or ``""`` when the
        survey table does not hold the measure.
    year : int
        Survey edition the statement refers to.
    unit : str
        Unit the indicator row must have (``index`` or ``rank``).
    entity : str
        Entity the indicator row must name (English, as in the ``entity`` column).
    base_year : int or None
        For a rank change: the earlier edition; the survey value is rank(base_year) - rank(year),
        positive = moved up.
    note : str
        Why the statement cannot be checked, when ``measure`` is empty.
    """

    measure: str
    year: int
    unit: str
    entity: str = "China"
    base_year: int | None = None
    note: str = ""


#: The report's statements about the UN E-Government Survey 2022 (page 4), by indicator_id.
SURVEY_CHECKS: dict[str, SurveyCheck] = {
    "ind-015": SurveyCheck("egdi", 2022, "index"),
    "ind-016": SurveyCheck("rank", 2022, "rank"),
    "ind-017": SurveyCheck("rank", 2022, "名", base_year=2020),
    "ind-018": SurveyCheck("osi", 2022, "index"),
    "ind-019": SurveyCheck("tii", 2022, "index"),
    "ind-020": SurveyCheck("hci", 2022, "index"),
    "ind-021": SurveyCheck("", 2022, "index", note="OGDI: a separate UN data set, not in the survey table"),
    "ind-022": SurveyCheck("", 2022, "index", entity="Shanghai",
                           note="city LOSI: a separate UN data set, not in the survey table"),
    "ind-023": SurveyCheck("", 2022, "rank", entity="Shanghai",
                           note="LOSI rank: a separate UN data set, not in the survey table"),
}

_TEXT_COLUMNS = ["name_zh", "name_en", "entity", "entity_zh", "value_text", "quote"]


def find_indicators(indicators: pd.DataFrame, *, topic: str | None = None, kind: str | None = None,
                    text: str | None = None) -> pd.DataFrame:
    """Filter the indicators table.

    Parameters
    ----------
    indicators : pandas.DataFrame
        From ``analysis.load_indicators()``.
    topic : str, optional
        One of the table's 12 topics (e.g. ``"区块链"``).
    kind : str, optional
        ``"statistic"``, ``"enumeration"``, ``"duration"`` or ``"threshold"``.
    text : str, optional
        Literal text looked for, case-insensitively, in name_zh, name_en, entity, entity_zh,
        value_text and quote.

    Returns
    -------
    pandas.DataFrame
        The matching rows, all columns, sorted by indicator_id, index reset.

    Raises
    ------
    ValueError
        If ``topic`` or ``kind`` is not a value the table allows (the allowed values are named).
    """
    from analysis.schemas.indicators import KINDS, TOPICS

    keep = pd.Series(True, index=indicators.index)
    if topic is not None:
        if topic not in TOPICS:
            raise ValueError(f"indicators: topic {topic!r} is not one of {TOPICS}")
        keep &= indicators["topic"].astype("string").eq(topic).fillna(False)
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"indicators: kind {kind!r} is not one of {KINDS}")
        keep &= indicators["kind"].astype("string").eq(kind).fillna(False)
    if text is not None:
        hit = pd.Series(False, index=indicators.index)
        for col in _TEXT_COLUMNS:
            hit |= indicators[col].astype("string").str.contains(text, case=False, regex=False).fillna(False)
        keep &= hit
    return indicators.loc[keep].sort_values("indicator_id", kind="stable").reset_index(drop=True)


def qualifier_glossary(indicators: pd.DataFrame, n_examples: int = 3) -> pd.DataFrame:
    """The report's hedge words with their English meaning, frequency and examples.

    Parameters
    ----------
    indicators : pandas.DataFrame
        From ``analysis.load_indicators()``.
    n_examples : int
        How many value_text examples to list per hedge word (first by indicator_id).

    Returns
    -------
    pandas.DataFrame
        Columns: qualifier (as written), qualifier_en, n_indicators, examples (value_text of the
        first rows, joined by " / "). Sorted by n_indicators descending, then qualifier.
    """
    q = indicators.loc[indicators["qualifier"].notna()].sort_values("indicator_id", kind="stable")
    rows = []
    for (word, meaning), g in q.groupby([q["qualifier"].astype(str), q["qualifier_en"].astype(str)], sort=True):
        rows.append({"qualifier": word, "qualifier_en": meaning, "n_indicators": len(g),
                     "examples": " / ".join(g["value_text"].head(n_examples))})
    out = pd.DataFrame(rows, columns=["qualifier", "qualifier_en", "n_indicators", "examples"])
    out = out.sort_values(["n_indicators", "qualifier"], ascending=[False, True], ignore_index=True, kind="stable")
    return out.astype({"qualifier": "string", "qualifier_en": "string", "n_indicators": "Int64",
                       "examples": "string"})


def _country(survey: pd.DataFrame, iso3: str, year: int) -> pd.Series:
    rows = survey.loc[survey["iso3"].eq(iso3).fillna(False) & survey["year"].eq(year).fillna(False)]
    if len(rows) != 1:
        raise IndicatorCheckError(f"egov_survey: {len(rows)} rows for iso3={iso3} year={year}, expected 1")
    return rows.iloc[0]


def country_components(survey: pd.DataFrame, iso3: str = "CHN",
                       years: tuple[int, ...] | None = None) -> pd.DataFrame:
    """One country's EGDI, rank and four component indices per survey year.

    Parameters
    ----------
    survey : pandas.DataFrame
        From ``analysis.load_egov_survey()``.
    iso3 : str
        ISO3 code of the country, default ``"CHN"``.
    years : tuple of int, optional
        Survey editions to keep (all when omitted).

    Returns
    -------
    pandas.DataFrame
        Columns: year, country, egdi, rank, osi, hci, tii, epi, source_file, source_row; one row per
        year, sorted by year.

    Raises
    ------
    IndicatorCheckError
        If a requested year has no row (or more than one) for the country.
    """
    wanted = sorted(set(survey["year"].dropna().astype(int))) if years is None else list(years)
    rows = [_country(survey, iso3, y) for y in wanted]
    cols = ["year", "country", "egdi", "rank", "osi", "hci", "tii", "epi", "source_file", "source_row"]
    out = pd.DataFrame(rows)[cols].sort_values("year", kind="stable").reset_index(drop=True)
    return out.astype({c: survey[c].dtype for c in cols})


def _decimals(value_text: str) -> int:
    digits = "".join(ch for ch in value_text if ch.isdigit() or ch == ".")
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def compare_with_survey(indicators: pd.DataFrame, survey: pd.DataFrame, iso3: str = "CHN",
                        checks: dict[str, SurveyCheck] | None = None) -> pd.DataFrame:
    """Compare the report's e-government statements with the UN survey table.

    Every indicator of topic 电子政务指数 and every indicator named in ``checks`` gets one row.

    Parameters
    ----------
    indicators : pandas.DataFrame
        From ``analysis.load_indicators()``.
    survey : pandas.DataFrame
        From ``analysis.load_egov_survey()``.
    iso3 : str
        Country the statements are about (``"CHN"``).
    checks : dict, optional
        indicator_id -> :class:`SurveyCheck`; defaults to :data:`SURVEY_CHECKS`.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, sorted by indicator_id. Columns: indicator_id, name_en, value_text
        (as printed), quote, page, report_value (Float64), survey_measure (survey column, or
        ``rank change 2020→2022``; empty when not in the table), survey_year (Int64), survey_value
        (Float64; missing when not checkable), match (boolean; missing when not checkable),
        survey_source (raw file and 1-based data row(s)), note.

    Raises
    ------
    IndicatorCheckError
        If a checked indicator_id is missing from the table, its unit, entity or year is not what
        the check assumes, or the survey has no row for the country and year.
    """
    checks = SURVEY_CHECKS if checks is None else checks
    ind = indicators.set_index("indicator_id", drop=False)
    missing = sorted(set(checks) - set(ind.index))
    if missing:
        raise IndicatorCheckError(f"indicators: no row with indicator_id {missing}")
    ids = sorted(set(checks) | set(ind.index[ind["topic"].astype("string").eq("电子政务指数").fillna(False)]))
    rows = []
    for iid in ids:
        r = ind.loc[iid]
        out = {"indicator_id": iid, "name_en": r["name_en"], "value_text": r["value_text"],
               "quote": r["quote"], "page": r["page"], "report_value": r["value"],
               "survey_measure": "", "survey_year": pd.NA, "survey_value": pd.NA, "match": pd.NA,
               "survey_source": "", "note": ""}
        check = checks.get(iid)
        if check is None:
            out["note"] = "no comparison rule for this indicator (add one to SURVEY_CHECKS)"
            rows.append(out)
            continue
        for field, expected in (("unit", check.unit), ("entity", check.entity), ("year", check.year)):
            got = r[field]
            if pd.isna(got) or got != expected:
                raise IndicatorCheckError(
                    f"indicators row {iid}: field {field} is {got!r}, the survey check expects {expected!r}")
        out["survey_year"] = check.year
        if not check.measure:
            out["note"] = check.note
            rows.append(out)
            continue
        now = _country(survey, iso3, check.year)
        src = f"{now['source_file']} row {now['source_row']}"
        if check.base_year is not None:
            before = _country(survey, iso3, check.base_year)
            value = float(before[check.measure] - now[check.measure])
            out["survey_measure"] = f"{check.measure} change {check.base_year}→{check.year}"
            out["survey_source"] = f"{before['source_file']} row {before['source_row']}; {src}"
            out["note"] = (f"{check.measure} {before[check.measure]} in {check.base_year}, "
                           f"{now[check.measure]} in {check.year}")
            out["match"] = value == float(r["value"])
        else:
            value = float(now[check.measure])
            out["survey_measure"] = check.measure
            out["survey_source"] = src
            if check.unit == "rank":
                out["match"] = value == float(r["value"])
            else:
                d = _decimals(r["value_text"])
                out["match"] = round(value, d) == round(float(r["value"]), d)
                out["note"] = f"compared at the report's {d} decimals"
        out["survey_value"] = value
        rows.append(out)
    res = pd.DataFrame(rows)
    return res.astype({
        "indicator_id": "string", "name_en": "string", "value_text": "string", "quote": "string",
        "page": "Int64", "report_value": "Float64", "survey_measure": "string", "survey_year": "Int64",
        "survey_value": "Float64", "match": "boolean", "survey_source": "string", "note": "string",
    })


# --------------------------------------------------------------------------- figures
#: English names of the curator's 12 indicator topics (analysis.schemas.indicators.TOPICS).
TOPIC_EN = {"区块链": "Blockchain", "网络与平台": "Networks & platforms", "其他": "Other", "人工智能": "AI",
            "电子政务指数": "E-government indices", "数字鸿沟": "Digital divide", "数据共享": "Data sharing",
            "安全": "Security", "政务服务": "Government services", "监管": "Regulation",
            "疫情防控": "Epidemic control", "城市大脑": "City brain"}
#: The three kinds of number, in drawing order, with neutral tones (a kind is not a technology).
KIND_STYLE = {"statistic": ("统计 statistic", "#3B3B3B"), "enumeration": ("列举 enumeration", "#A3957F"),
              "duration": ("时长 duration", "#C8C8C8"), "threshold": ("阈值 threshold", "#7F7F7F")}


def plot_topics_and_kinds(indicators: pd.DataFrame):
    """The report's numbers at a glance: how many per topic, split by kind (statistic, enumeration, duration, threshold).

    Topics are sorted by their number of indicators (ties by name); each bar is labelled with its total.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    import matplotlib.pyplot as plt

    from analysis.plotting import title

    counts = pd.crosstab(indicators["topic"].astype(str), indicators["kind"].astype(str))
    unknown_kinds = sorted(set(counts.columns) - set(KIND_STYLE))
    if unknown_kinds:   # never drop a row silently: every kind needs a style
        raise ValueError(f"indicators: kind(s) {unknown_kinds} have no entry in KIND_STYLE")
    counts = counts.reindex(columns=list(KIND_STYLE), fill_value=0)
    unknown = sorted(set(counts.index) - set(TOPIC_EN))
    if unknown:
        raise ValueError(f"indicators: topic(s) {unknown} have no English name in TOPIC_EN")
    total = counts.sum(axis=1)
    order = sorted(counts.index, key=lambda t: (-int(total[t]), t))
    counts = counts.loc[order[::-1]]
    fig, ax = plt.subplots(figsize=(8, 5))
    left = np.zeros(len(counts))
    y = np.arange(len(counts))
    for kind, (label, color) in KIND_STYLE.items():
        vals = counts[kind].to_numpy()
        ax.barh(y, vals, left=left, color=color, height=0.7, label=label, edgecolor="white", lw=0.5)
        left += vals
    for yi, v in zip(y, left):
        ax.text(v + 0.25, yi, f"{int(v)}", va="center", fontsize=9, color="#333333")
    ax.set_yticks(y, [f"{t} {TOPIC_EN[t]}" for t in counts.index])
    ax.set_xlim(0, left.max() * 1.12)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("数字的个数 numbers stated in the report")
    ax.legend(loc="lower right", frameon=True, facecolor="white", edgecolor="none", framealpha=1)
    title(ax, f"报告中的{len(indicators)}个数字：主题与类型",
          f"The report's {len(indicators)} numbers by topic and kind (topic: the curator's classification)")
    return fig, ax
def plot_rank_and_egdi(cvw: pd.DataFrame, *, mark_year: int = 2022):
    """Two panels sharing the year axis: China's EGDI rank (inverted, up = better) and its EGDI.

    Parameters
    ----------
    cvw : pandas.DataFrame
        From ``analysis.report.egov.china_vs_world(survey)`` (columns year, country_rank, n_assessed,
        country_egdi).
    mark_year : int
        Survey edition the report cites, shaded in both panels.

    Returns
    -------
    (matplotlib.figure.Figure, numpy.ndarray of two Axes)
    """
    import matplotlib.pyplot as plt

    from analysis.plotting import HIGHLIGHT, title

    years = cvw["year"].astype(int).to_numpy()
    rank = cvw["country_rank"].astype(float).to_numpy()
    egdi = cvw["country_egdi"].astype(float).to_numpy()
    fig, axes = plt.subplots(2, 1, figsize=(8.5, 6.4), sharex=True, height_ratios=[1, 1])
    for ax, y, fmt in ((axes[0], rank, "{:.0f}"), (axes[1], egdi, "{:.3f}")):
        ax.axvspan(mark_year - 0.6, mark_year + 0.6, color="#EEEEEE", zorder=0)
        ax.plot(years, y, color=HIGHLIGHT, marker="o", lw=2)
        for x, v in zip(years, y):
            ax.annotate(fmt.format(v), (x, v), textcoords="offset points", xytext=(0, 8),
                        ha="center", fontsize=8.5)
    axes[0].invert_yaxis()
    axes[0].set_ylim(90, 25)
    axes[0].set_ylabel("排名 Rank（1 = 最好）")
    axes[1].set_ylim(0.35, 0.95)
    axes[1].set_ylabel("EGDI（0–1）")
    axes[1].set_xticks(years)
    axes[1].set_xticklabels([str(y) for y in years], rotation=45)
    axes[1].set_xlabel("联合国电子政务调查年份 Survey edition")
    title(axes[0], "中国在联合国电子政务调查中的排名与EGDI，2003–2024",
          "China's EGDI rank (up = better) and E-Government Development Index per survey edition")
    return fig, axes


def plot_components(survey: pd.DataFrame, iso3: str = "CHN", years: tuple[int, int] = (2020, 2022)):
    """Dumbbell chart of a country's four component indices (and EGDI) in two survey editions.

    Parameters
    ----------
    survey : pandas.DataFrame
        From ``analysis.load_egov_survey()``.
    iso3 : str
        Country, default China.
    years : (int, int)
        Earlier and later edition.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    import matplotlib.pyplot as plt

    from analysis.plotting import HIGHLIGHT, NEUTRAL, title

    comp = country_components(survey, iso3, years).set_index("year")
    cols = ["egdi", *COMPONENTS]
    labels = ["电子政务发展指数 EGDI"] + [f"{zh} {en.split('(')[1].rstrip(')')}" for zh, en in COMPONENTS.values()]
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    y0, y1 = years
    for i, col in enumerate(cols):
        a, b = float(comp.loc[y0, col]), float(comp.loc[y1, col])
        ax.plot([a, b], [i, i], color="#BBBBBB", lw=3, zorder=1)
        ax.scatter([a], [i], color=NEUTRAL, s=60, zorder=2, label=str(y0) if i == 0 else None)
        ax.scatter([b], [i], color=HIGHLIGHT, s=60, zorder=3, label=str(y1) if i == 0 else None)
        left, right = (a, b) if a <= b else (b, a)
        ax.annotate(f"{left:.4f}", (left, i), textcoords="offset points", xytext=(-8, 0), ha="right",
                    va="center", fontsize=8.5, color=NEUTRAL if left == a else HIGHLIGHT)
        ax.annotate(f"{right:.4f}", (right, i), textcoords="offset points", xytext=(8, 0), ha="left",
                    va="center", fontsize=8.5, color=HIGHLIGHT if right == b else NEUTRAL)
    ax.set_yticks(range(len(cols)))
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlim(0.6, 1.05)
    ax.set_xlabel("指数得分 Index score（0–1）")
    ax.legend(loc="upper right", ncols=2, handletextpad=0.3, columnspacing=1.0)
    title(ax, f"中国电子政务发展指数及分项指数，{y0}与{y1}年",
          f"China's EGDI and its four component indices, UN E-Government Survey {y0} and {y1}")
    return fig, ax


def vs_world_bands(survey: pd.DataFrame, region: str = "Asia", iso3: str = "CHN") -> pd.DataFrame:
    """Per survey edition: the EGDI distribution of assessed countries, the region's median and one country.

    Countries without a score are left out: a missing EGDI, and an EGDI of 0 in the editions up to 2012 (a
    country the UN files list with no score; :func:`analysis.report.egov.egdi_scores`), never count as a
    score of zero.

    Returns
    -------
    DataFrame
        ``year``, ``n_countries``, ``p10``, ``p25``, ``median``, ``p75``, ``p90`` (all assessed countries),
        ``region_median`` and ``region_n`` (countries of ``region``), ``country_egdi`` (``iso3``), one row
        per edition, sorted by year.
    """
    from analysis.report.egov import egdi_scores

    a = egdi_scores(survey)
    a = a.loc[a["egdi"].notna()].copy()
    a["egdi"] = a["egdi"].astype(float)
    rows = []
    for year, g in a.groupby("year", sort=True):
        q = g["egdi"].quantile([0.1, 0.25, 0.5, 0.75, 0.9]).to_numpy()
        reg = g.loc[g["region"].eq(region), "egdi"]
        own = g.loc[g["iso3"].eq(iso3), "egdi"]
        rows.append({"year": int(year), "n_countries": len(g), "p10": q[0], "p25": q[1], "median": q[2],
                     "p75": q[3], "p90": q[4], "region_median": reg.median() if len(reg) else float("nan"),
                     "region_n": len(reg), "country_egdi": own.iloc[0] if len(own) else float("nan")})
    return pd.DataFrame(rows)


def plot_vs_world(survey: pd.DataFrame, cvw: pd.DataFrame | None = None, *, region: str = "Asia",
                  iso3: str = "CHN", country_zh: str = "中国 China"):
    """China's EGDI per survey edition over the spread of all assessed countries.

    A darker band spans the interquartile range, a lighter one the 10th–90th percentiles; the world median
    is a dashed grey line, the Asia median a solid dark-grey one (neutral: no technology colour), China the
    highlighted line, labelled at its end. Scoreless countries are dropped (see :func:`vs_world_bands`).

    Parameters
    ----------
    survey : pandas.DataFrame
        From ``analysis.load_egov_survey()``; rows with ``assessed`` False are left out.
    cvw : pandas.DataFrame, optional
        Unused; accepted so that older calls ``plot_vs_world(survey, cvw)`` keep working.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    import matplotlib.pyplot as plt

    from analysis.plotting import BAND_COLORS, HIGHLIGHT, NEUTRAL, title

    b = vs_world_bands(survey, region=region, iso3=iso3)
    years = b["year"].to_numpy()
    fig, ax = plt.subplots(figsize=(8.5, 5))
    ax.fill_between(years, b["p10"], b["p90"], color=BAND_COLORS["p10_90"], lw=0,
                    label="全部国家 10–90 % all countries, 10th–90th percentile")
    ax.fill_between(years, b["p25"], b["p75"], color=BAND_COLORS["iqr"], lw=0,
                    label="全部国家 四分位距 all countries, interquartile range")
    ax.plot(years, b["median"], color=NEUTRAL, ls="--", lw=1.5, label="全球中位数 world median")
    ax.plot(years, b["region_median"], color="#3B3B3B", lw=1.5, marker="s", ms=3.5,
            label="亚洲中位数 Asia median")
    ax.plot(years, b["country_egdi"], color=HIGHLIGHT, lw=2.2, marker="o", ms=5)
    last = b.dropna(subset=["country_egdi"]).iloc[-1]
    ax.annotate(country_zh, (last["year"], last["country_egdi"]), xytext=(6, 0), textcoords="offset points",
                va="center", fontsize=11, color=HIGHLIGHT)
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years], fontsize=9)
    ax.set_xlim(years.min() - 0.8, years.max() + 3.2)
    ax.set_ylim(0, 1)
    ax.set_ylabel("电子政务发展指数 EGDI（0–1）")
    ax.set_xlabel("联合国电子政务调查年份 survey edition")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="lower right", fontsize=8.5, frameon=True, facecolor="white", edgecolor="none", framealpha=1)
    title(ax, "中国与全球、亚洲的电子政务发展指数对比",
          "China's E-Government Development Index against all assessed countries, the world and the Asia median")
    return fig, ax
