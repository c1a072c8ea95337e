"""Policy-instrument coding of clauses (Rothwell & Zegveld supply / environment / demand side).

The coding scheme, its definitions and decision rules are in
``data/curated/instrument_coding_guide.md``; the keyword dictionary that implements an automatic
approximation of it is ``data/curated/instrument_dictionary.csv`` (subtype, type, keyword, note).
Two evaluation samples, each coded by reading every clause against the guide:

* ``data/curated/instrument_sample.csv`` (in-sample): 170 units of the 13 cited texts, coded by an
  AI assistant working on this project, which then wrote the dictionary after reading them — an
  evaluation graded by the dictionary's own author.
* ``data/curated/instrument_heldout.csv`` (held-out): 160 units drawn (seed :data:`HELDOUT_SEED`) from
  the extended collection minus the cited texts (:func:`heldout_units`), coded by an AI assistant
  (coder 1) strictly by the written guide and committed before the dictionary was run on them. A
  second, independent AI-assistant session (coder 2), which saw only the guide and the texts, coded
  a subsample (``instrument_heldout_coder2.csv``, when present); :func:`coder_agreement` gives
  Cohen's kappa between the two.
* ``data/curated/instrument_coding_sample.csv`` (issue 21): 1,200 units drawn (seed :data:`CODING_SEED`),
  300 from each of the cited, collection, national and local corpora (:func:`coding_population`,
  :func:`draw_instrument_coding_sample`), 75 per corpus flagged for a second coder; sent to coders as
  Markdown packets (:func:`coding_packets`). Their codes go to ``instrument_coding_labels.csv`` (long format).

Matching rule of the dictionary: leftmost-longest. All keywords (of every subtype) are scanned
together, left to right; at each position the longest keyword wins and the scan continues after
it, so a keyword nested in a longer one (评估 in 安全评估, 示范 in 应用示范, 引导 in 服务引导, 社会资本 in
政府和社会资本合作) does not also count where the longer one matched. This is the ordinary
leftmost-longest rule of lexers, done with one :mod:`re` alternation sorted longest-first (Python's
alternation takes the first alternative that matches, so longest-first gives the longest match);
no extra library is needed. With a ``tokenizer``, a keyword matches only as a whole token. A
clause carries a subtype when at least one of its keywords matched; several subtypes can match
(multi-label), as in the guide.

Counting of TP/FP/FN uses :func:`sklearn.metrics.multilabel_confusion_matrix`; Wilson intervals
use :meth:`scipy.stats.binomtest(...).proportion_ci(method="wilson")`.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from ..paths import CURATED_DIR
from ..tables import read_table, schemas

DICTIONARY_CSV = CURATED_DIR / "instrument_dictionary.csv"
SAMPLE_CSV = CURATED_DIR / "instrument_sample.csv"
HELDOUT_CSV = CURATED_DIR / "instrument_heldout.csv"
CODER2_CSV = CURATED_DIR / "instrument_heldout_coder2.csv"
GUIDE_MD = CURATED_DIR / "instrument_coding_guide.md"

DEFAULT_SEED = 20221130  # analysis.plotting.SEED

#: Instrument types and their subtypes, in the guide's order.
TAXONOMY: dict[str, tuple[str, ...]] = {
    "供给型": ("人才培养", "资金投入", "技术支持", "基础设施建设", "公共服务", "信息支持"),
    "环境型": ("目标规划", "法规管制", "标准规范", "金融税收", "组织建设与考核评估", "策略性措施"),
    "需求型": ("政府采购", "示范试点", "服务外包", "国际合作与贸易管制", "应用推广"),
}
TYPES = tuple(TAXONOMY)
SUBTYPES = tuple(s for subs in TAXONOMY.values() for s in subs)
SUBTYPE_TO_TYPE = {s: t for t, subs in TAXONOMY.items() for s in subs}
CODE_SEP = "|"

#: The evaluation sample's unit: a sentence or a ``；``-terminated item (see the coding guide).
SENTENCE_PATTERN = re.compile(r"[^。；！？\n]+[。；！？]?")

__all__ = [
    "TAXONOMY", "TYPES", "SUBTYPES", "SUBTYPE_TO_TYPE", "load_instrument_dictionary",
    "load_instrument_sample", "code_clauses", "instrument_crosstab", "evaluate_coding",
    "draw_coding_sample", "parse_codes", "SENTENCE_PATTERN", "sentence_units", "wilson_interval",
    "evaluation_intervals", "adjust_for_accuracy", "match_keywords", "heldout_units", "draw_heldout_sample",
    "load_heldout_sample", "load_coder2_codes", "coder_agreement", "HELDOUT_SEED", "HELDOUT_N",
    "compare_evaluations", "plot_evaluation_comparison", "CODING_SEED", "CODING_CORPORA", "coding_population",
    "draw_instrument_coding_sample", "load_coding_sample", "coding_packets",
]


class InstrumentDataError(ValueError):
    """A dictionary or sample row breaks the coding scheme; the message names file, row and field."""


def _read_checked(path: Path, table: str) -> tuple[pd.DataFrame | None, list[tuple[int | None, str | None, str]]]:
    """Read ``path`` against the table's schema; empty cells come back as ``""`` (as the file has them).

    Returns the frame (None if the file cannot be read as the table) and the schema problems as
    ``(row, field, message)`` with file rows counting the header as row 1.
    """
    frame, problems = read_table(path, schemas()[table])
    found = [(p.line, p.column, p.message) for p in problems]
    if frame is not None:
        frame = frame.fillna("")
    return frame, found


def _raise_problems(path: Path, own: list[tuple[int, str, str]],
                    schema: list[tuple[int | None, str | None, str]]) -> None:
    """Raise :class:`InstrumentDataError` with the module's own messages, then schema problems for other cells.

    Duplicates are the module's to report (each repeat after the first, naming the value), so the
    schema's uniqueness problems are not repeated.
    """
    seen = {(row, field) for row, field, _ in own}
    lines = [f"{path}, row {row}, field {field}: {msg}" for row, field, msg in own]
    for row, field, msg in schema:
        if (row, field) in seen or msg.startswith("duplicate value"):
            continue
        where = f"{path}" + (f", row {row}" if row is not None else "") + (f", field {field}" if field else "")
        lines.append(f"{where}: {msg}")
    if lines:
        raise InstrumentDataError("\n".join(lines))


def load_instrument_dictionary(path: Path | str = DICTIONARY_CSV) -> pd.DataFrame:
    """Read and check the keyword dictionary.

    Returns
    -------
    DataFrame with columns ``subtype``, ``type``, ``keyword``, ``note`` (all string), in file order.

    Raises
    ------
    InstrumentDataError
        Any problem with the file against the ``instrument_dictionary`` schema (missing file,
        not UTF-8, wrong columns, bad values), unknown subtype, subtype/type mismatch, empty or
        duplicated keyword within a subtype; the message lists every bad row (file row numbers
        count the header as row 1).
    """
    path = Path(path)
    df, schema_problems = _read_checked(path, "instrument_dictionary")
    problems = []
    if df is not None:
        for i, r in enumerate(df.itertuples(index=False), start=2):
            if r.subtype not in SUBTYPE_TO_TYPE:
                problems.append((i, "subtype", f"unknown subtype {r.subtype!r}"))
            elif SUBTYPE_TO_TYPE[r.subtype] != r.type:
                problems.append((i, "type", f"{r.type!r} but subtype {r.subtype!r} "
                                            f"belongs to {SUBTYPE_TO_TYPE[r.subtype]!r}"))
            if not str(r.keyword).strip():
                problems.append((i, "keyword", "empty"))
        dup = df.duplicated(["subtype", "keyword"], keep="first")
        for i in np.flatnonzero(dup.to_numpy()):
            problems.append((i + 2, "keyword", f"duplicate {df.keyword.iloc[i]!r} "
                                               f"for subtype {df.subtype.iloc[i]!r}"))
    _raise_problems(path, problems, schema_problems)
    return df


def parse_codes(value) -> list[str]:
    """Split a ``"法规管制|信息支持"`` code cell into subtypes (empty/NA → [])."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    return [c.strip() for c in str(value).split(CODE_SEP) if c.strip()]


def load_instrument_sample(path: Path | str = SAMPLE_CSV) -> pd.DataFrame:
    """Read and check the in-sample evaluation set (coded by an AI assistant, which then wrote the dictionary).

    Returns
    -------
    DataFrame with columns ``sample_id``, ``doc_id``, ``source``, ``clause_text``, ``guide_codes``
    (subtypes separated by ``|``; empty string = no instrument), sorted by ``sample_id``.

    Raises
    ------
    InstrumentDataError
        Any problem with the file against the ``instrument_sample`` schema (missing file, not
        UTF-8, wrong columns, bad values), unknown subtype in ``guide_codes``, duplicated
        ``sample_id`` or empty ``clause_text``; the message lists every bad row.
    """
    return _load_coded(Path(path), "instrument_sample", "sample_id", text_col="clause_text")


def _matcher(dictionary: pd.DataFrame, tokenizer: Callable[[str], Sequence[str]] | None):
    by_kw: dict[str, list[str]] = {}
    for st, kw in zip(dictionary["subtype"], dictionary["keyword"].astype(str)):
        by_kw.setdefault(kw, []).append(st)
    order = {s: i for i, s in enumerate(SUBTYPES)}
    # longest first, then alphabetical, so the alternation picks the longest keyword at each position
    pattern = re.compile("|".join(re.escape(k) for k in sorted(by_kw, key=lambda k: (-len(k), k))))

    def group(found: Iterable[str]) -> list[tuple[str, list[str]]]:
        hits: dict[str, set[str]] = {}
        for k in found:
            for st in by_kw[k]:
                hits.setdefault(st, set()).add(k)
        return [(st, sorted(hits[st])) for st in sorted(hits, key=order.__getitem__)]

    def match(text: str) -> list[tuple[str, list[str]]]:
        if tokenizer is None:
            return group(m.group() for m in pattern.finditer(text))
        return group(t for t in set(tokenizer(text)) if t in by_kw)

    return match


def match_keywords(text: str, dictionary: pd.DataFrame | None = None) -> list[str]:
    """The dictionary keywords found in ``text`` under the leftmost-longest rule, in text order.

    >>> match_keywords("开展安全评估和评估", load_instrument_dictionary())
    ['安全评估', '评估']
    """
    dictionary = load_instrument_dictionary() if dictionary is None else dictionary
    kws = sorted(set(dictionary["keyword"].astype(str)), key=lambda k: (-len(k), k))
    return re.findall("|".join(re.escape(k) for k in kws), text)


def code_clauses(df: pd.DataFrame, dictionary: pd.DataFrame | None = None, *, text_col: str = "text",
                 id_cols: Sequence[str] = ("doc_id", "clause_id"),
                 tokenizer: Callable[[str], Sequence[str]] | None = None) -> pd.DataFrame:
    """Code clauses with the keyword dictionary.

    Parameters
    ----------
    df : DataFrame
        One row per clause with ``text_col`` and the ``id_cols``.
    dictionary : DataFrame, optional
        From :func:`load_instrument_dictionary` (default: the curated file).
    text_col : str
    id_cols : sequence of str
        Columns identifying a clause, copied to the output (default ``doc_id``, ``clause_id``).
    tokenizer : callable, optional
        ``tokenizer(text) -> list[str]``. If given, a keyword matches only as a whole token;
        default: substring match on the text (robust to segmentation differences).

    Returns
    -------
    DataFrame, one row per clause × matched subtype (clauses without any match do not appear),
    sorted by the id columns then the guide's subtype order, columns:
        the ``id_cols``; ``instrument_type`` (供给型/环境型/需求型); ``instrument_subtype``;
        ``matched_keywords`` (sorted, joined by ``|``); ``n_keywords`` (Int64).
    """
    missing = [c for c in (text_col, *id_cols) if c not in df.columns]
    if missing:
        raise KeyError(f"code_clauses: input lacks column(s) {missing}; has {list(df.columns)}")
    dictionary = load_instrument_dictionary() if dictionary is None else dictionary
    match = _matcher(dictionary, tokenizer)
    rows = []
    for pos, (ids, text) in enumerate(zip(df[list(id_cols)].itertuples(index=False, name=None), df[text_col])):
        if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
            raise ValueError(f"code_clauses: row {pos} ({dict(zip(id_cols, ids))}) has no {text_col}")
        for st, kws in match(str(text)):
            rows.append((*ids, SUBTYPE_TO_TYPE[st], st, CODE_SEP.join(kws), len(kws)))
    out = pd.DataFrame(rows, columns=[*id_cols, "instrument_type", "instrument_subtype",
                                      "matched_keywords", "n_keywords"])
    out["n_keywords"] = out["n_keywords"].astype("Int64")
    order = {s: i for i, s in enumerate(SUBTYPES)}
    out = out.assign(_o=out["instrument_subtype"].map(order)).sort_values(
        [*id_cols, "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return out


def instrument_crosstab(coded: pd.DataFrame, by: str = "doc_id", *, level: str = "instrument_type",
                        normalize: str | None = None, count: str = "clauses") -> pd.DataFrame:
    """Cross-tabulate coded instruments against a grouping column.

    Parameters
    ----------
    coded : DataFrame from :func:`code_clauses` (joined with any covariate you want in ``by``).
    by : str
        Row variable (e.g. ``doc_id``, ``rule_line``, ``year``).
    level : {"instrument_type", "instrument_subtype"}
    normalize : {None, "index", "columns", "all"}
        As in ``pandas.crosstab``: shares within rows, columns or overall.
    count : {"clauses"}
        Each clause×instrument row counts once (a clause with two subtypes of one type counts
        once at the type level).

    Returns
    -------
    DataFrame: rows = values of ``by`` (sorted), columns = types or subtypes in the guide's order
    (all of them, zero-filled), values = clause counts or shares.
    """
    if level not in ("instrument_type", "instrument_subtype"):
        raise ValueError(f"level must be 'instrument_type' or 'instrument_subtype', got {level!r}")
    if by not in coded.columns:
        raise KeyError(f"instrument_crosstab: no column {by!r} in coded table")
    id_like = [c for c in coded.columns if c not in ("instrument_type", "instrument_subtype",
                                                       "matched_keywords", "n_keywords")]
    dedup = coded.drop_duplicates([*id_like, level])
    cols = list(TYPES if level == "instrument_type" else SUBTYPES)
    tab = pd.crosstab(dedup[by], pd.Categorical(dedup[level], categories=cols), dropna=False)
    tab = tab.reindex(columns=cols, fill_value=0).sort_index(kind="stable")
    tab.columns = pd.Index(cols, name=level)
    if normalize == "index":
        tab = tab.div(tab.sum(axis=1).replace(0, np.nan), axis=0)
    elif normalize == "columns":
        tab = tab.div(tab.sum(axis=0).replace(0, np.nan), axis=1)
    elif normalize == "all":
        tab = tab / tab.to_numpy().sum()
    elif normalize is not None:
        raise ValueError(f"normalize must be None, 'index', 'columns' or 'all', got {normalize!r}")
    return tab


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else np.nan
    r = tp / (tp + fn) if tp + fn else np.nan
    f = 2 * p * r / (p + r) if tp else (0.0 if (tp + fp) and (tp + fn) else np.nan)
    return p, r, f


def _counts(gold: list[set], pred: list[set], labels: Sequence[str]) -> np.ndarray:
    """(tp, fp, fn) per label, via :func:`sklearn.metrics.multilabel_confusion_matrix`."""
    from sklearn.metrics import multilabel_confusion_matrix
    from sklearn.preprocessing import MultiLabelBinarizer

    mlb = MultiLabelBinarizer(classes=list(labels))
    if not gold:
        return np.zeros((len(labels), 3), dtype=int)
    mcm = multilabel_confusion_matrix(mlb.fit_transform(gold), mlb.transform(pred))
    return np.stack([mcm[:, 1, 1], mcm[:, 0, 1], mcm[:, 1, 0]], axis=1)


def evaluate_coding(sample: pd.DataFrame | None = None, dictionary: pd.DataFrame | None = None, *,
                    tokenizer: Callable[[str], Sequence[str]] | None = None, id_col: str = "sample_id",
                    text_col: str = "clause_text", codes_col: str = "guide_codes") -> pd.DataFrame:
    """Compare the dictionary's codes with the guide codes of an evaluation sample.

    Each (clause, label) is a binary decision; a label is a subtype, or a type (present when any of
    its subtypes is). Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean;
    undefined ratios are NaN (e.g. precision of a label the dictionary never assigns). TP/FP/FN are
    counted with :func:`sklearn.metrics.multilabel_confusion_matrix`.

    Parameters
    ----------
    sample : DataFrame, optional
        With ``id_col``, ``text_col``, ``codes_col`` (default: the in-sample set,
        :func:`load_instrument_sample`). For the held-out set pass
        ``load_heldout_sample(), id_col="clause_key", text_col="text"``.
    dictionary : DataFrame, optional
    tokenizer : callable, optional
        Passed to :func:`code_clauses`.
    id_col, text_col, codes_col : str

    Returns
    -------
    DataFrame with columns ``level`` ("type", "subtype", "overall"), ``instrument``, ``support``
    (clauses coded with the label by the coder), ``predicted`` (clauses the dictionary codes), ``tp``,
    ``fp``, ``fn``, ``precision``, ``recall``, ``f1``. Rows: types and subtypes in the guide's
    order, then ``micro (subtypes)``, ``macro (subtypes)`` (unweighted mean over subtypes with
    support > 0), ``micro (types)`` and ``exact match`` (share of clauses whose predicted subtype set
    equals the coder's set, in ``recall``; ``support`` = number of clauses).
    """
    sample = load_instrument_sample() if sample is None else sample
    coded = code_clauses(sample.rename(columns={text_col: "text"}), dictionary,
                         id_cols=(id_col,), tokenizer=tokenizer)
    pred_map = coded.groupby(id_col)["instrument_subtype"].agg(set).to_dict()
    ids = list(sample[id_col])
    gold_sub = [set(parse_codes(c)) for c in sample[codes_col]]
    pred_sub = [pred_map.get(i, set()) for i in ids]
    gold_typ = [{SUBTYPE_TO_TYPE[s] for s in v} for v in gold_sub]
    pred_typ = [{SUBTYPE_TO_TYPE[s] for s in v} for v in pred_sub]

    def rows_for(level, labels, gold, pred):
        return [(level, lab, tp + fn, tp + fp, tp, fp, fn, *_prf(tp, fp, fn))
                for lab, (tp, fp, fn) in zip(labels, _counts(gold, pred, labels).tolist())]

    typ_rows = rows_for("type", TYPES, gold_typ, pred_typ)
    sub_rows = rows_for("subtype", SUBTYPES, gold_sub, pred_sub)
    rows = typ_rows + sub_rows
    cols = ["level", "instrument", "support", "predicted", "tp", "fp", "fn", "precision", "recall", "f1"]
    tp, fp, fn = (sum(r[i] for r in sub_rows) for i in (4, 5, 6))
    rows.append(("overall", "micro (subtypes)", tp + fn, tp + fp, tp, fp, fn, *_prf(tp, fp, fn)))
    sup = [r for r in sub_rows if r[2] > 0]
    macro = [np.nanmean([r[k] for r in sup]) if sup else np.nan for k in (7, 8, 9)]
    rows.append(("overall", "macro (subtypes)", sum(r[2] for r in sup), sum(r[3] for r in sup),
                 np.nan, np.nan, np.nan, *macro))
    tp, fp, fn = (sum(r[i] for r in typ_rows) for i in (4, 5, 6))
    rows.append(("overall", "micro (types)", tp + fn, tp + fp, tp, fp, fn, *_prf(tp, fp, fn)))
    exact = np.mean([g == p for g, p in zip(gold_sub, pred_sub)]) if ids else np.nan
    rows.append(("overall", "exact match", len(ids), len(ids), np.nan, np.nan, np.nan, np.nan, exact, np.nan))
    out = pd.DataFrame(rows, columns=cols)
    for c in ("support", "predicted", "tp", "fp", "fn"):
        out[c] = pd.array(out[c], dtype="Int64")
    return out


def load_heldout_sample(path: Path | str = HELDOUT_CSV) -> pd.DataFrame:
    """Read and check the held-out evaluation set (coder 1's codes, frozen before the dictionary ran on it).

    Returns
    -------
    DataFrame with ``clause_key`` (ho-001 …), ``doc_id``, ``clause_id``, ``source``, ``text``,
    ``guide_codes`` (subtypes joined by ``|``; empty = no instrument), sorted by ``clause_key``.

    Raises
    ------
    InstrumentDataError
        Schema problems, unknown subtypes or duplicated keys; the message names file, row and field.
    """
    return _load_coded(Path(path), "instrument_heldout", "clause_key")


def load_coder2_codes(path: Path | str = CODER2_CSV) -> pd.DataFrame | None:
    """Coder 2's codes of a subsample of the held-out set, or None when the file is absent.

    Returns
    -------
    DataFrame with ``clause_key``, ``guide_codes``, sorted by ``clause_key``; or None.
    """
    path = Path(path)
    if not path.exists():
        return None
    return _load_coded(path, "instrument_heldout_coder2", "clause_key")


def _load_coded(path: Path, table: str, key: str, text_col: str | None = None) -> pd.DataFrame:
    """Read a coded evaluation table through its schema; every unknown subtype, duplicated key and (with
    ``text_col``) empty text is listed, with its row, in one :class:`InstrumentDataError`."""
    df, schema_problems = _read_checked(path, table)
    problems = []
    if df is not None:
        for i, r in enumerate(df.itertuples(index=False), start=2):
            for c in parse_codes(r.guide_codes):
                if c not in SUBTYPE_TO_TYPE:
                    problems.append((i, "guide_codes", f"unknown subtype {c!r}"))
            if text_col is not None and not str(getattr(r, text_col)).strip():
                problems.append((i, text_col, "empty"))
        for i in np.flatnonzero(df[key].duplicated().to_numpy()):
            problems.append((i + 2, key, f"duplicate {df[key].iloc[i]!r}"))
    _raise_problems(path, problems, schema_problems)
    return df.sort_values(key, kind="stable").reset_index(drop=True)


def coder_agreement(coder1: pd.DataFrame, coder2: pd.DataFrame, *, key: str = "clause_key",
                    codes_col: str = "guide_codes") -> pd.DataFrame:
    """Cohen's kappa between two coders on the clauses both coded, per type and per subtype.

    Each label is a yes/no decision per clause; kappa is
    :func:`sklearn.metrics.cohen_kappa_score` of the two coders' yes/no vectors.

    Returns
    -------
    DataFrame with ``level`` (type / subtype / overall), ``instrument``, ``n_clauses`` (overlap),
    ``n_coder1``, ``n_coder2`` (clauses each coder gave the label), ``n_both``, ``agreement``
    (share of clauses where the two agree), ``kappa`` (NaN when neither coder used the label, or
    the label is constant for both). The last row, ``exact match``, is the share of clauses with
    identical subtype sets (in ``agreement``).
    """
    from sklearn.metrics import cohen_kappa_score

    both = coder1[[key, codes_col]].merge(coder2[[key, codes_col]], on=key, suffixes=("_1", "_2"))
    s1 = [set(parse_codes(c)) for c in both[f"{codes_col}_1"]]
    s2 = [set(parse_codes(c)) for c in both[f"{codes_col}_2"]]
    t1 = [{SUBTYPE_TO_TYPE[x] for x in v} for v in s1]
    t2 = [{SUBTYPE_TO_TYPE[x] for x in v} for v in s2]
    rows = []
    for level, labels, a, b in (("type", TYPES, t1, t2), ("subtype", SUBTYPES, s1, s2)):
        for lab in labels:
            y1 = np.array([lab in v for v in a])
            y2 = np.array([lab in v for v in b])
            if len(y1) == 0 or (y1.all() and y2.all()) or (~y1.any() and ~y2.any()):
                k = np.nan
            else:
                k = float(cohen_kappa_score(y1, y2))
            rows.append((level, lab, len(y1), int(y1.sum()), int(y2.sum()), int((y1 & y2).sum()),
                         float((y1 == y2).mean()) if len(y1) else np.nan, k))
    exact = float(np.mean([x == y for x, y in zip(s1, s2)])) if s1 else np.nan
    rows.append(("overall", "exact match", len(s1), np.nan, np.nan, np.nan, exact, np.nan))
    out = pd.DataFrame(rows, columns=["level", "instrument", "n_clauses", "n_coder1", "n_coder2", "n_both",
                                      "agreement", "kappa"])
    for c in ("n_clauses", "n_coder1", "n_coder2", "n_both"):
        out[c] = pd.array(out[c], dtype="Int64")
    return out


def draw_coding_sample(clauses: pd.DataFrame, n: int = 170, *, text_col: str = "text",
                       order_cols: Sequence[str] = ("doc_id", "clause_no"), min_chars: int = 12,
                       random_state: int = DEFAULT_SEED) -> pd.DataFrame:
    """Draw a coding sample: simple random sample without replacement, reproducible.

    Clauses shorter than ``min_chars`` characters are dropped, the rest sorted by ``order_cols``;
    ``numpy.random.default_rng(random_state).choice(N, n, replace=False)`` picks positions, which
    are returned in sorted order with ids ``ins-001``, ``ins-002``, ….

    Returns
    -------
    DataFrame with ``sample_id`` followed by the input columns.
    """
    elig = clauses[clauses[text_col].astype(str).str.len() >= min_chars]
    elig = elig.sort_values(list(order_cols), kind="stable").reset_index(drop=True)
    if n > len(elig):
        raise ValueError(f"draw_coding_sample: asked for {n} clauses but only {len(elig)} are eligible")
    idx = np.sort(np.random.default_rng(random_state).choice(len(elig), size=n, replace=False))
    out = elig.iloc[idx].reset_index(drop=True)
    out.insert(0, "sample_id", [f"ins-{i + 1:03d}" for i in range(n)])
    return out


#: Seed of the held-out sample (the day it was drawn, 2026-11-29); the in-sample draw used DEFAULT_SEED.
HELDOUT_SEED = 20261129
#: Size of the held-out sample.
HELDOUT_N = 160


def heldout_units(collection: pd.DataFrame | None = None, cited: pd.DataFrame | None = None) -> pd.DataFrame:
    """The held-out population: sentence units of the extended collection not seen when the dictionary was written.

    The dictionary was written after reading the 13 cited texts (the in-sample population). The
    held-out population is every kept document of :func:`analysis.corpus.corpora.policy_collection`
    (central and Shandong texts) except the spreadsheet rows that *are* cited texts (matched on sheet
    row through ``data/curated/cited_texts.csv``), split with :func:`sentence_units`; units whose text
    also occurs as a unit of a cited text are dropped (a handful of shared boilerplate sentences).

    Returns
    -------
    DataFrame with ``doc_id``, ``clause_id`` (``u0001``, … position of the unit in its document),
    ``text``, sorted by doc_id and clause_id.
    """
    from ..corpus.corpora import cited_texts, policy_collection

    collection = policy_collection() if collection is None else collection
    cited = cited_texts() if cited is None else cited
    cited_rows = {loc for loc in cited["source_locator"] if str(loc).startswith("sheet ")}
    pool = collection[~collection["source_locator"].isin(cited_rows)]
    seen = set(sentence_units(cited.assign(clause_id=1))["text"])
    units = sentence_units(pool.assign(clause_id=1))
    units = units[~units["text"].isin(seen)].copy()
    units["clause_id"] = [f"u{int(n):04d}" for n in units["unit_no"]]
    out = units[["doc_id", "clause_id", "text"]]
    return out.sort_values(["doc_id", "clause_id"], kind="stable").reset_index(drop=True)


def draw_heldout_sample(units: pd.DataFrame | None = None, n: int = HELDOUT_N,
                        random_state: int = HELDOUT_SEED) -> pd.DataFrame:
    """Draw the held-out evaluation sample from :func:`heldout_units` (same rule as the in-sample draw).

    Returns
    -------
    DataFrame with ``clause_key`` (``ho-001``, …), ``doc_id``, ``clause_id``, ``text``.
    """
    units = heldout_units() if units is None else units
    out = draw_coding_sample(units, n, order_cols=("doc_id", "clause_id"), random_state=random_state)
    out["sample_id"] = out["sample_id"].str.replace("ins-", "ho-", regex=False)
    return out.rename(columns={"sample_id": "clause_key"})[["clause_key", "doc_id", "clause_id", "text"]]


def sentence_units(clauses: pd.DataFrame, *, text_col: str = "text",
                   id_cols: Sequence[str] = ("doc_id", "clause_id"), min_chars: int = 6) -> pd.DataFrame:
    """Split clauses into the evaluation sample's units (sentences and ``；``-items).

    The in-sample evaluation set (``instrument_sample.csv``) was drawn from units made with
    :data:`SENTENCE_PATTERN` after removing spaces and ``\\u3000``, dropping pieces shorter than 6
    characters. Coding the same kind of unit keeps the measured precision and recall applicable.

    Parameters
    ----------
    clauses : DataFrame
        E.g. from :func:`analysis.load_clauses`, with ``text_col`` and the ``id_cols``.
    text_col : str
    id_cols : sequence of str
    min_chars : int
        Shorter pieces (after stripping) are dropped.

    Returns
    -------
    DataFrame with the ``id_cols``, ``unit_no`` (Int64, 1-based within the clause) and ``text``,
    in input order.
    """
    missing = [c for c in (text_col, *id_cols) if c not in clauses.columns]
    if missing:
        raise KeyError(f"sentence_units: input lacks column(s) {missing}; has {list(clauses.columns)}")
    rows = []
    for ids, text in zip(clauses[list(id_cols)].itertuples(index=False, name=None), clauses[text_col]):
        if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
            continue
        t = str(text).replace(" ", "").replace("\u3000", "")
        k = 0
        for m in SENTENCE_PATTERN.finditer(t):
            piece = m.group().strip()
            if len(piece) >= min_chars:
                k += 1
                rows.append((*ids, k, piece))
    out = pd.DataFrame(rows, columns=[*id_cols, "unit_no", "text"])
    out["unit_no"] = out["unit_no"].astype("Int64")
    return out


def wilson_interval(k, n, confidence: float = 0.95):
    """Wilson score interval for a proportion ``k / n`` (arrays allowed; NaN where ``n`` is 0).

    Computed by :meth:`scipy.stats.binomtest(k, n).proportion_ci(confidence, method="wilson")`.

    Returns
    -------
    tuple (low, high) of floats or numpy arrays.
    """
    from scipy.stats import binomtest

    k_arr, n_arr = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float))
    lo = np.full(k_arr.shape, np.nan)
    hi = np.full(k_arr.shape, np.nan)
    for idx in np.ndindex(k_arr.shape):
        if n_arr[idx] > 0:
            ci = binomtest(int(k_arr[idx]), int(n_arr[idx])).proportion_ci(confidence, method="wilson")
            lo[idx], hi[idx] = ci.low, ci.high
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


def evaluation_intervals(evaluation: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Add 95 % Wilson intervals to the precision and recall of :func:`evaluate_coding`.

    Returns
    -------
    The input with ``precision_low``, ``precision_high`` (from ``tp`` of ``predicted``) and
    ``recall_low``, ``recall_high`` (from ``tp`` of ``support``); NaN where ``tp`` is missing
    (macro and exact-match rows) or the denominator is 0.
    """
    out = evaluation.copy()
    tp = pd.to_numeric(out["tp"], errors="coerce").astype(float).to_numpy()
    for name, den in (("precision", "predicted"), ("recall", "support")):
        n = pd.to_numeric(out[den], errors="coerce").astype(float).to_numpy()
        n = np.where(np.isnan(tp), 0.0, n)
        lo, hi = wilson_interval(np.nan_to_num(tp), n, confidence)
        out[f"{name}_low"], out[f"{name}_high"] = lo, hi
    return out


def adjust_for_accuracy(counts: pd.DataFrame, evaluation: pd.DataFrame) -> pd.DataFrame:
    """Rescale dictionary counts by the measured ``precision / recall`` of each instrument.

    If the dictionary assigns a label to ``c`` units, about ``c × precision`` are right, and those
    are about ``recall`` of the units that truly carry it; so ``c × precision / recall`` estimates
    the true count. This assumes the accuracy measured on the evaluation sample holds in the
    corpus being coded — a strong assumption for labels with small support.

    Parameters
    ----------
    counts : DataFrame from :func:`instrument_crosstab` (counts, not shares); columns are types or
        subtypes.
    evaluation : DataFrame from :func:`evaluate_coding`.

    Returns
    -------
    DataFrame like ``counts`` (float); a column is NaN where precision or recall is undefined or
    recall is 0.
    """
    ev = evaluation.drop_duplicates("instrument").set_index("instrument")
    unknown = [c for c in counts.columns if c not in ev.index]
    if unknown:
        raise KeyError(f"adjust_for_accuracy: no evaluation row for {unknown}")
    p = ev.loc[list(counts.columns), "precision"].astype(float)
    r = ev.loc[list(counts.columns), "recall"].astype(float)
    factor = (p / r.where(r > 0)).to_numpy()
    return counts.astype(float) * factor


def compare_evaluations(evaluations: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Precision and recall of several evaluations side by side (e.g. in-sample vs held-out).

    Parameters
    ----------
    evaluations : dict
        ``{label: evaluation_intervals(evaluate_coding(...))}``.

    Returns
    -------
    DataFrame indexed by (level, instrument) in the guide's order, columns a MultiIndex
    (label, field) with fields ``support``, ``predicted``, ``precision``, ``precision 95% CI``,
    ``recall``, ``recall 95% CI`` (intervals as ``"0.45–0.68"``; empty where undefined).
    """
    parts = {}
    for label, ev in evaluations.items():
        t = ev.set_index(["level", "instrument"])
        out = pd.DataFrame({"support": t["support"], "predicted": t["predicted"]})
        for name in ("precision", "recall"):
            out[name] = t[name].astype(float).round(2)
            out[f"{name} 95% CI"] = ["" if np.isnan(lo) else f"{lo:.2f}–{hi:.2f}"
                                     for lo, hi in zip(t[f"{name}_low"].astype(float), t[f"{name}_high"].astype(float))]
        parts[label] = out
    return pd.concat(parts, axis=1)


def plot_evaluation_comparison(evaluations: dict[str, pd.DataFrame], *, min_support: int = 5,
                               colors: Sequence[str] | None = None):
    """Precision and recall with 95 % Wilson intervals, one colour per evaluation (in-sample vs held-out).

    Rows: the three types, micro averages, and the subtypes with at least ``min_support`` coded
    clauses in every evaluation (the others are too rare to show an interval worth reading).

    Parameters
    ----------
    evaluations : dict
        ``{label: evaluation_intervals(evaluate_coding(...))}``, drawn in order, top to bottom.

    Returns
    -------
    (matplotlib.figure.Figure, array of two Axes)
    """
    import matplotlib.pyplot as plt

    from ..plotting import ENGLISH, GROUP_COLORS, title

    colors = list(colors or GROUP_COLORS[:2])  # neutral: the technology colours are for the technologies only
    tabs = {k: v.set_index("instrument") for k, v in evaluations.items()}
    subs = [s for s in SUBTYPES if all(int(t.at[s, "support"]) >= min_support for t in tabs.values())]
    rows = [*TYPES, "micro (types)", "micro (subtypes)", *subs]
    fig, axes = plt.subplots(1, 2, figsize=(9, 0.42 * len(rows) + 1.8), sharey=True, layout="constrained")
    n = len(tabs)
    for ax, name in zip(axes, ("precision", "recall")):
        for k, (label, t) in enumerate(tabs.items()):
            y = np.arange(len(rows))[::-1] + (n - 1) / 2 * 0.3 - k * 0.3
            est = t.loc[rows, name].astype(float).to_numpy()
            lo = t.loc[rows, f"{name}_low"].astype(float).to_numpy()
            hi = t.loc[rows, f"{name}_high"].astype(float).to_numpy()
            ax.errorbar(est, y, xerr=[est - lo, hi - est], fmt="o", ms=4, color=colors[k % len(colors)],
                        ecolor=colors[k % len(colors)], elinewidth=1.2, capsize=2, label=label)
        ax.set_xlim(0, 1)
        ax.set_xlabel({"precision": "精确率 precision", "recall": "召回率 recall"}[name])
        ax.grid(axis="y", visible=False)
        ax.axhline(len(rows) - len(TYPES) - 2.5, color="#999999", lw=0.6)
        ax.axhline(len(rows) - len(TYPES) - 0.5, color="#999999", lw=0.6)
    names = {"micro (types)": "类型微平均 micro, types", "micro (subtypes)": "子类微平均 micro, subtypes"}
    axes[0].set_yticks(np.arange(len(rows))[::-1],
                       [names.get(r, f"{r} {ENGLISH.get(r, '')}".strip()) for r in rows], fontsize=9)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper right", ncol=len(labels), frameon=False, fontsize=9)
    title(axes[0], "词典编码的精确率与召回率", "Dictionary precision and recall, 95 % Wilson intervals")
    return fig, axes


# --------------------------------------------------------------------------- the stratified coding sample (issue 21)
#: Seed of the stratified coding sample (the day it was drawn, 2026-12-07).
CODING_SEED = 20261207
#: Corpora of the stratified coding sample, in the order of :data:`analysis.corpus.corpora.CORPUS_NAMES`
#: (the report's own digest is not a policy text and is left out).
CODING_CORPORA = ("cited", "collection", "national", "local")
#: Units drawn per corpus.
CODING_N_PER_CORPUS = 300
#: Length bounds of an eligible unit, in characters (inclusive).
CODING_MIN_CHARS, CODING_MAX_CHARS = 15, 400
#: At most this many units of one document (raised for a corpus only as far as needed to reach the target).
CODING_MAX_PER_DOC = 3
#: Units per corpus given to a second, independent coder.
SECOND_CODING_N_PER_CORPUS = 75
#: The stratified coding sample (units only; codes go to :data:`CODING_LABELS_CSV`).
CODING_SAMPLE_CSV = CURATED_DIR / "instrument_coding_sample.csv"
#: Codes of the stratified coding sample, long format (one row per unit × round × coder).
CODING_LABELS_CSV = CURATED_DIR / "instrument_coding_labels.csv"

def _squash(text: str) -> str:
    return str(text).replace(" ", "").replace("\u3000", "")


def _already_coded_texts() -> list[str]:
    """Texts of every unit already in a coded set (in-sample and held-out), spaces removed."""
    texts = list(load_instrument_sample()["clause_text"]) + list(load_heldout_sample()["text"])
    return sorted({_squash(t) for t in texts})


def coding_population(corpora: Sequence[str] = CODING_CORPORA, *, min_chars: int = CODING_MIN_CHARS,
                      max_chars: int = CODING_MAX_CHARS, exclude_texts: Iterable[str] | None = None,
                      tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Every unit eligible for the stratified coding sample, in a fixed order.

    A unit is what notebook 06 codes and counts: a sentence or ``；``-item of a clause
    (:func:`sentence_units` of :func:`analysis.corpus.corpora.load_clauses`), so the accuracy measured on
    the sample applies to the shares computed from those units.

    Parameters
    ----------
    corpora : sequence of str
        Corpus names (:func:`analysis.corpus.corpora.load_corpus`); the order decides which corpus keeps a
        text that occurs in several (the first).
    min_chars, max_chars : int
        Units shorter than ``min_chars`` or longer than ``max_chars`` characters (spaces removed) are not
        eligible: very short units are headings and fragments, very long ones cannot be coded as one decision.
    exclude_texts : iterable of str, optional
        Texts already coded (default: every unit of ``instrument_sample.csv`` and ``instrument_heldout.csv``).
        A unit is dropped when its text equals one of them, contains one or is contained in one (the existing
        sets were cut from whole lines or documents, not from clauses, so the same words can be cut
        differently).
    tables : dict, optional
        ``{corpus name: corpus table}`` to use instead of loading (for tests).

    Returns
    -------
    DataFrame with ``corpus``, ``doc_id``, ``title`` (the Chinese title; for collection texts without one,
    the spreadsheet's English title), ``clause_id``, ``path``, ``unit_no`` (Int64, 1-based position of the
    unit in its clause), ``text``, ordered by corpus (as given), document (corpus order), clause (document
    order) and unit. Each text occurs once: a repeated text (boilerplate, the cited texts inside the
    collection and the national corpus, the versions of one law) is kept at its first occurrence.
    """
    from ..corpus.corpora import load_clauses, load_corpus

    exclude = sorted({_squash(t) for t in (_already_coded_texts() if exclude_texts is None else exclude_texts)})
    exclude = [t for t in exclude if t]
    parts = []
    for name in corpora:
        table = (tables or {}).get(name)
        table = load_corpus(name) if table is None else table
        title = table["title"].astype("string")
        if "title_en" in table.columns:
            title = title.fillna(table["title_en"].astype("string"))
        clauses = load_clauses(table[["doc_id", "text"]])
        units = sentence_units(clauses, id_cols=("doc_id", "clause_id"))
        units = units.merge(clauses[["clause_id", "path"]], on="clause_id", how="left", validate="many_to_one")
        units["title"] = units["doc_id"].map(dict(zip(table["doc_id"], title)))
        units.insert(0, "corpus", name)
        parts.append(units)
    pop = pd.concat(parts, ignore_index=True)
    n = pop["text"].str.len()
    pop = pop[(n >= min_chars) & (n <= max_chars)]
    pop = pop[~pop["text"].duplicated(keep="first")]
    if exclude:
        inside = re.compile("|".join(map(re.escape, sorted(exclude, key=len, reverse=True))))
        joined = "\n".join(exclude)
        hit = [bool(inside.search(t)) or t in joined for t in pop["text"]]
        pop = pop[~np.array(hit, dtype=bool)]
    cols = ["corpus", "doc_id", "title", "clause_id", "path", "unit_no", "text"]
    return pop[cols].reset_index(drop=True)


def draw_instrument_coding_sample(population: pd.DataFrame | None = None,
                                  n_per_corpus: int = CODING_N_PER_CORPUS, *,
                                  max_per_doc: int = CODING_MAX_PER_DOC,
                                  n_second: int = SECOND_CODING_N_PER_CORPUS,
                                  random_state: int = CODING_SEED) -> pd.DataFrame:
    """Draw the stratified coding sample of issue 21: ``n_per_corpus`` units of each corpus, seeded.

    Within each corpus (stratum ``k``, in the population's corpus order) the units are put in a random order,
    ``numpy.random.default_rng([random_state, k]).permutation``, and taken in that order, skipping a unit
    whose document already has ``cap`` units, until ``n_per_corpus`` are taken. ``cap`` is ``max_per_doc``,
    raised for a corpus only as far as needed to reach ``n_per_corpus`` (the 13 cited texts cannot give
    300 units at 3 per document: there ``cap`` becomes the smallest value with
    ``sum(min(cap, units of the document)) >= n_per_corpus``), so no document dominates its stratum.
    Then ``n_second`` of each corpus's drawn units are chosen for a second, independent coding with
    ``numpy.random.default_rng([random_state, k, 2]).choice(..., replace=False)``.

    Parameters
    ----------
    population : DataFrame, optional
        From :func:`coding_population` (default: that function with its defaults).
    n_per_corpus : int
        Units drawn per corpus.
    max_per_doc : int
        Units per document at most (see above).
    n_second : int
        Units per corpus flagged for the second coder (0 for none).
    random_state : int
        Seed (default :data:`CODING_SEED`).

    Returns
    -------
    DataFrame with ``unit_id`` (``ic-0001`` … in population order: corpus, document, clause, unit),
    the population's columns and ``second_coding`` (boolean).

    Raises
    ------
    ValueError
        A corpus has fewer than ``n_per_corpus`` eligible units, or ``n_second > n_per_corpus``.
    """
    population = coding_population() if population is None else population
    if n_second > n_per_corpus:
        raise ValueError(f"n_second ({n_second}) exceeds n_per_corpus ({n_per_corpus})")
    corpora = list(dict.fromkeys(population["corpus"]))
    taken, second = [], []
    for k, name in enumerate(corpora):
        sub = population.index[population["corpus"] == name].to_numpy()
        if len(sub) < n_per_corpus:
            raise ValueError(f"corpus {name!r}: {len(sub)} eligible units, fewer than {n_per_corpus}")
        docs = population.loc[sub, "doc_id"].to_numpy()
        sizes = pd.Series(docs).value_counts().to_numpy()
        cap = max_per_doc
        while np.minimum(sizes, cap).sum() < n_per_corpus:
            cap += 1
        rng = np.random.default_rng([random_state, k])
        used: dict[str, int] = {}
        chosen = []
        for i in rng.permutation(len(sub)):
            if used.get(docs[i], 0) < cap:
                used[docs[i]] = used.get(docs[i], 0) + 1
                chosen.append(sub[i])
                if len(chosen) == n_per_corpus:
                    break
        chosen = np.sort(np.array(chosen))
        taken.append(chosen)
        if n_second:
            pick = np.random.default_rng([random_state, k, 2]).choice(len(chosen), size=n_second, replace=False)
            second.append(chosen[pick])
    rows = np.sort(np.concatenate(taken))
    out = population.loc[rows].reset_index(drop=True)
    out.insert(0, "unit_id", [f"ic-{i + 1:04d}" for i in range(len(out))])
    flagged = set(np.concatenate(second).tolist()) if second else set()
    out["second_coding"] = pd.array([r in flagged for r in rows], dtype="boolean")
    out["unit_no"] = out["unit_no"].astype("Int64")
    return out


def load_coding_sample(path: Path | str = CODING_SAMPLE_CSV) -> pd.DataFrame:
    """Read and check the stratified coding sample (``instrument_coding_sample.csv``).

    Returns
    -------
    DataFrame with the columns of :func:`draw_instrument_coding_sample` (schema dtypes: ``unit_no`` Int64,
    ``second_coding`` boolean, the rest string), in file order.

    Raises
    ------
    InstrumentDataError
        Any schema problem; the message names file, row and field.
    """
    path = Path(path)
    frame, problems = read_table(path, schemas()["instrument_coding_sample"])
    _raise_problems(path, [], [(p.line, p.column, p.message) for p in problems])
    return frame


def coding_packets(sample: pd.DataFrame, *, size: int = 200, random_state: int = CODING_SEED,
                   name: str = "packet") -> list[tuple[str, str]]:
    """Markdown coding packets: the units in a seeded random order, ``size`` per packet.

    Each unit is one section holding only its ``unit_id``, corpus, document title and text (no codes, no
    dictionary hits, no clause path), so that a coder sees what the guide asks for and nothing else.

    Parameters
    ----------
    sample : DataFrame
        With ``unit_id``, ``corpus``, ``title``, ``doc_id``, ``text`` (e.g. :func:`load_coding_sample`).
    size : int
        Units per packet (the last may hold fewer).
    random_state : int
        Seed of ``numpy.random.default_rng(random_state).permutation`` that orders the units.
    name : str
        File-name stem: packets are ``{name}-01.md``, ``{name}-02.md``, ….

    Returns
    -------
    list of (file name, Markdown text).
    """
    order = np.random.default_rng(random_state).permutation(len(sample))
    shuffled = sample.iloc[order].reset_index(drop=True)
    n_packets = -(-len(shuffled) // size)
    out = []
    for p in range(n_packets):
        part = shuffled.iloc[p * size:(p + 1) * size]
        lines = [f"# {name}-{p + 1:02d} ({len(part)} units; packet {p + 1} of {n_packets})", ""]
        for r in part.itertuples(index=False):
            title = r.title if isinstance(r.title, str) and r.title else r.doc_id
            lines += [f"## {r.unit_id}", "", f"- corpus: {r.corpus}", f"- document: {title}", "",
                      "```text", str(r.text), "```", ""]
        out.append((f"{name}-{p + 1:02d}.md", "\n".join(lines)))
    return out
