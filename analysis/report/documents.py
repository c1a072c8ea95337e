"""The documents table: every policy, law, regulation, standard and report the CAICT report cites.

The hand-entered table ``data/curated/documents.csv`` holds what the report, the lawrefbook files and
certain official facts give. :func:`build_documents` completes it from the State Council policy-library
metadata (``data/raw/policy-transparency-china``): a document is matched only when its title or the
report's short name equals a metadata title exactly after normalising punctuation, whitespace, quote
and full-width forms (also against the metadata title stripped of a 关于印发/转发…的通知 wrapper). No
fuzzy matching is done. Values are filled only where the curated table is empty, or refined where the
curated value is the same date at a coarser precision; disagreements are kept curated and listed in
``conflicts``. Finally a missing ``date_written`` takes the year written in the document number
(〔YYYY〕), and a missing ``date_published`` of a national standard takes the year in its number.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from ..paths import CURATED_DIR, PROCESSED_DIR, RAW_DIR
from ..schemas.documents import SCHEMAS
from ..tables import DataError, Problem, read_table, validate, write_csv

CURATED_CSV = CURATED_DIR / "documents.csv"
PROCESSED_CSV = PROCESSED_DIR / "documents.csv"
SC_DATES_XLSX = RAW_DIR / "policy-transparency-china" / "state-council-dates.xlsx"
SC_NUMBERS_XLSX = RAW_DIR / "policy-transparency-china" / "state-council-document-numbers.xlsx"

_PRECISION = {4: "year", 7: "month", 10: "day"}
# a notice that issues or transmits another text: 国务院（办公厅）[关于]印发/转发 X 的通知
_WRAPPER = re.compile(r"^(?:国务院办公厅|国务院)(?:关于)?(?:印发|转发)(?P<inner>.+)的通知$")
_YEAR_IN_NUMBER = re.compile(r"〔((?:19|20)\d{2})〕")
_YEAR_IN_STANDARD = re.compile(r"^GB(?:/T|/Z)? [\d.]+-((?:19|20)\d{2})$")


def normalise_title(title: str) -> str:
    """Key for exact title comparison: NFKC form, without whitespace, punctuation, quotes or brackets.

    Parameters
    ----------
    title : str

    Returns
    -------
    str
        E.g. ``'国务院关于积极推进“互联网＋”行动的指导意见'`` → ``'国务院关于积极推进互联网+行动的指导意见'``.
    """
    text = unicodedata.normalize("NFKC", str(title))
    return "".join(ch for ch in text
                   if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def _unwrap(title: str) -> str | None:
    m = _WRAPPER.match(normalise_title(title))
    return m.group("inner") if m else None


def read_curated_documents(path: Path | str = CURATED_CSV) -> pd.DataFrame:
    """Read and validate the hand-entered documents table.

    Parameters
    ----------
    path : path-like, default ``data/curated/documents.csv``

    Returns
    -------
    pandas.DataFrame
        The columns of schema ``documents`` (see ``analysis/schemas/documents.py``), nullable dtypes.

    Raises
    ------
    analysis.tables.DataError
        Listing every problem with file, CSV line and column.
    """
    frame, problems = read_table(path, SCHEMAS["documents"])
    if problems:
        raise DataError(problems)
    return frame


def read_state_council_metadata(dates_path: Path | str = SC_DATES_XLSX,
                                numbers_path: Path | str = SC_NUMBERS_XLSX) -> pd.DataFrame:
    """The State Council policy-library metadata, the two spreadsheets joined on ``url``.

    Parameters
    ----------
    dates_path, numbers_path : path-like
        ``state-council-dates.xlsx`` (url, title, iss, pub, diff, year) and
        ``state-council-document-numbers.xlsx`` (url, publishing_date_parsed, document_number_parsed).

    Returns
    -------
    pandas.DataFrame
        Columns: url, title, sc_date_written (iss, YYYY-MM-DD), sc_date_published (pub, YYYY-MM-DD),
        sc_doc_number, sc_dates_row, sc_numbers_row (spreadsheet rows, header = row 1).

    Raises
    ------
    ValueError
        If a required column is missing or a url is duplicated or missing from one of the files.
    """
    dates = pd.read_excel(dates_path, dtype={"url": str, "title": str})
    numbers = pd.read_excel(numbers_path, dtype={"url": str, "document_number_parsed": str})
    for frame, path, cols in ((dates, dates_path, ["url", "title", "iss", "pub"]),
                              (numbers, numbers_path, ["url", "document_number_parsed"])):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{path}: missing column(s) {missing}")
        dup = frame["url"][frame["url"].duplicated()]
        if len(dup):
            raise ValueError(f"{path}: url {dup.iloc[0]!r} occurs more than once "
                             f"(row {int(dup.index[0]) + 2}, field 'url')")
    dates = dates.assign(sc_dates_row=dates.index + 2)
    numbers = numbers.assign(sc_numbers_row=numbers.index + 2)
    merged = dates.merge(numbers[["url", "document_number_parsed", "sc_numbers_row"]],
                         on="url", how="outer", indicator=True, validate="one_to_one")
    lonely = merged[merged["_merge"] != "both"]
    if len(lonely):
        raise ValueError(f"{dates_path} / {numbers_path}: url {lonely['url'].iloc[0]!r} is in only one "
                         "of the two files (field 'url')")

    def iso(col: str) -> pd.Series:
        values = pd.to_datetime(merged[col], errors="coerce")
        return values.dt.strftime("%Y-%m-%d").astype("string")

    return pd.DataFrame({
        "url": merged["url"].astype("string"),
        "title": merged["title"].astype("string"),
        "sc_date_written": iso("iss"),
        "sc_date_published": iso("pub"),
        "sc_doc_number": merged["document_number_parsed"].astype("string").str.strip().replace("", pd.NA),
        "sc_dates_row": merged["sc_dates_row"].astype("Int64"),
        "sc_numbers_row": merged["sc_numbers_row"].astype("Int64"),
    })


def match_state_council(documents: pd.DataFrame, metadata: pd.DataFrame) -> pd.DataFrame:
    """Match documents to metadata entries by exact normalised title.

    Tried in order: our ``title`` against the metadata title, then against the metadata title
    stripped of its issuing-notice wrapper, then the same two for ``short_name``. A key shared by
    several metadata entries is ambiguous and not used.

    Parameters
    ----------
    documents : pandas.DataFrame
        With columns doc_id, title, short_name.
    metadata : pandas.DataFrame
        As returned by :func:`read_state_council_metadata`.

    Returns
    -------
    pandas.DataFrame
        One row per matched document: doc_id, sc_match (title, title-unwrapped, short_name,
        short_name-unwrapped) and the metadata columns (url, title as sc_title, sc_date_written,
        sc_date_published, sc_doc_number, sc_dates_row, sc_numbers_row).

    Raises
    ------
    ValueError
        If one metadata entry would be matched by two documents.
    """
    titles = metadata["title"].astype(object).where(metadata["title"].notna(), None)
    full = titles.map(lambda t: normalise_title(t) if isinstance(t, str) else None)
    inner = titles.map(lambda t: _unwrap(t) if isinstance(t, str) else None)
    indexes = {}
    for name, keys in (("", full), ("-unwrapped", inner)):
        groups: dict[str, list[int]] = {}
        for pos, key in zip(metadata.index, keys):
            if key:
                groups.setdefault(key, []).append(pos)
        indexes[name] = groups
    rows = []
    for doc in documents.itertuples(index=False):
        hit = None
        for field in ("title", "short_name"):
            key = normalise_title(getattr(doc, field))
            for suffix in ("", "-unwrapped"):
                found = indexes[suffix].get(key, [])
                if len(found) == 1:
                    hit = (field + suffix, found[0])
                    break
            if hit:
                break
        if hit:
            rec = metadata.loc[hit[1]]
            rows.append({"doc_id": doc.doc_id, "sc_match": hit[0], "sc_url": rec["url"], "sc_title": rec["title"],
                         "sc_date_written": rec["sc_date_written"], "sc_date_published": rec["sc_date_published"],
                         "sc_doc_number": rec["sc_doc_number"], "sc_dates_row": rec["sc_dates_row"],
                         "sc_numbers_row": rec["sc_numbers_row"]})
    out = pd.DataFrame(rows, columns=["doc_id", "sc_match", "sc_url", "sc_title", "sc_date_written",
                                      "sc_date_published", "sc_doc_number", "sc_dates_row", "sc_numbers_row"])
    dup = out["sc_url"][out["sc_url"].duplicated()]
    if len(dup):
        ids = out.loc[out["sc_url"] == dup.iloc[0], "doc_id"].tolist()
        raise ValueError(f"{SC_DATES_XLSX}: entry {dup.iloc[0]} matched by several documents {ids}")
    return out


def _norm_number(value) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)).replace("[", "〔").replace("]", "〕"))


def _fill(frame: pd.DataFrame, i, column: str, value: str, source: str) -> None:
    frame.at[i, column] = value
    frame.at[i, f"{column}_source"] = source
    if column.startswith("date_"):
        frame.at[i, f"{column}_precision"] = _PRECISION[len(value)]


def _spreadsheet_signatures() -> dict[str, tuple[str | None, str | None, str]]:
    """doc_id -> (signature date, spreadsheet Release Time, locator) for cited texts held in the policy spreadsheet."""
    from ..corpus.corpora import _signed_date, cited_texts, policy_collection_raw

    texts = cited_texts()
    raw = policy_collection_raw()
    release = {(str(s), int(r)): d for s, r, d in zip(raw["sheet"], raw["row"], raw["release_date"])}
    out = {}
    for r in texts.itertuples(index=False):
        if not str(r.source_file).endswith(".xlsx"):
            continue
        m = re.search(r"sheet '([^']+)', row (\d+)", str(r.source_locator))
        rel = release.get((m.group(1), int(m.group(2)))) if m else None
        out[r.doc_id] = (_signed_date(r.text), None if rel is None or pd.isna(rel) else str(rel)[:10],
                         f"{r.source_file}, {r.source_locator}")
    return out


def build_documents(curated_path: Path | str = CURATED_CSV,
                    dates_path: Path | str = SC_DATES_XLSX,
                    numbers_path: Path | str = SC_NUMBERS_XLSX) -> pd.DataFrame:
    """Build the processed documents table.

    Parameters
    ----------
    curated_path : path-like, default ``data/curated/documents.csv``
    dates_path, numbers_path : path-like
        The State Council metadata spreadsheets.

    Returns
    -------
    pandas.DataFrame
        Sorted by doc_id. The curated columns (doc_id, title, short_name, doc_number,
        doc_number_source, issuer_zh, issuer_en, kind, level, date_written, date_written_precision,
        date_written_source, date_published, date_published_precision, date_published_source,
        rule_line, category, table1_row, table1_domain, cited_sections, first_page,
        full_text_in_project, notes) with missing values filled, then sc_url, sc_dates_row,
        sc_numbers_row, sc_title, sc_match, sc_date_written, sc_date_published, sc_doc_number,
        conflicts. Validated against schema ``documents_processed``.

    Notes
    -----
    Per matched document and field (doc_number ← document_number_parsed, date_written ← iss,
    date_published ← pub): an empty curated value is filled with source
    ``"<file> row N"``; a curated date that is a prefix of the metadata date is refined to the day
    (source names both); any other difference keeps the curated value and is written to
    ``conflicts``. Then an empty date_written takes the 〔YYYY〕 year of doc_number (source
    ``"year in doc_number"``), an empty date_published of a GB standard the year of its number, and
    a date_written whose year differs from the doc_number year is reported in ``conflicts``.
    Last, for a cited text held as a cell of the policy spreadsheet, the date of its own signature
    line (落款, e.g. ``2020年8月4日印发``) and the spreadsheet's Release Time are compared with the
    curated dates: a date_written other than the signature date, or a date_published before it, is
    reported in ``conflicts``.
    """
    frame = read_curated_documents(curated_path).copy()
    signed = _spreadsheet_signatures()
    metadata = read_state_council_metadata(dates_path, numbers_path)
    matches = match_state_council(frame, metadata)
    frame = frame.merge(matches, on="doc_id", how="left", validate="one_to_one")
    frame["conflicts"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    dates_name, numbers_name = Path(dates_path).name, Path(numbers_path).name

    for i in frame.index:
        notes: list[str] = []
        if pd.notna(frame.at[i, "sc_url"]):
            d_row, n_row = int(frame.at[i, "sc_dates_row"]), int(frame.at[i, "sc_numbers_row"])
            # document number
            sc_num = frame.at[i, "sc_doc_number"]
            cur = frame.at[i, "doc_number"]
            if pd.notna(sc_num):
                src = f"{numbers_name} row {n_row}"
                if pd.isna(cur):
                    _fill(frame, i, "doc_number", _norm_number(sc_num), src)
                elif _norm_number(cur) != _norm_number(sc_num):
                    notes.append(f"doc_number: curated {cur} ({frame.at[i, 'doc_number_source']}) vs {src} {sc_num}")
            # dates
            for column, sc_col, label in (("date_written", "sc_date_written", "iss"),
                                          ("date_published", "sc_date_published", "pub")):
                sc_val, cur = frame.at[i, sc_col], frame.at[i, column]
                if pd.isna(sc_val):
                    continue
                src = f"{dates_name} row {d_row} ({label})"
                if pd.isna(cur):
                    _fill(frame, i, column, sc_val, src)
                elif cur == sc_val:
                    continue
                elif sc_val.startswith(cur):
                    _fill(frame, i, column, sc_val,
                          f"{src}; refines {cur} from {frame.at[i, f'{column}_source']}")
                else:
                    other = frame.at[i, "sc_date_published" if label == "iss" else "sc_date_written"]
                    hint = ""
                    if pd.notna(other) and str(other).startswith(cur):
                        hint = f"; the curated value matches the metadata {'pub' if label == 'iss' else 'iss'} {other}"
                    notes.append(f"{column}: curated {cur} ({frame.at[i, f'{column}_source']}) vs {src} {sc_val}{hint}")
        # years written in the number
        number = frame.at[i, "doc_number"]
        if pd.notna(number):
            m = _YEAR_IN_NUMBER.search(number)
            if m:
                year = m.group(1)
                if pd.isna(frame.at[i, "date_written"]):
                    _fill(frame, i, "date_written", year, "year in doc_number")
                elif not frame.at[i, "date_written"].startswith(year):
                    notes.append(f"date_written {frame.at[i, 'date_written']} is not in the doc_number year {year}")
            m = _YEAR_IN_STANDARD.match(number)
            if m and pd.isna(frame.at[i, "date_published"]):
                _fill(frame, i, "date_published", m.group(1), "year in standard number")
        # the text's own signature line (spreadsheet-held cited texts)
        sig = signed.get(frame.at[i, "doc_id"])
        if sig is not None:
            date, release, where = sig
            for column in ("date_written", "date_published"):
                cur = frame.at[i, column]
                if pd.isna(cur) or not date:
                    continue
                n = min(len(cur), len(date))
                # written must equal the signature; published cannot precede it
                bad = cur[:n] != date[:n] if column == "date_written" else cur[:n] < date[:n]
                if bad:
                    notes.append(f"{column}: curated {cur} ({frame.at[i, f'{column}_source']}) vs the text's own "
                                 f"signature line {date} and Release Time {release} ({where})")
        # order of the two dates, compared at their common precision
        written, published = frame.at[i, "date_written"], frame.at[i, "date_published"]
        if pd.notna(written) and pd.notna(published):
            n = min(len(written), len(published))
            if written[:n] > published[:n]:
                notes.append(f"date_written {written} is after date_published {published}")
        if notes:
            frame.at[i, "conflicts"] = "; ".join(notes)

    columns = list(SCHEMAS["documents_processed"].columns)
    frame = frame[columns].sort_values("doc_id", kind="mergesort").reset_index(drop=True)
    for name, column in SCHEMAS["documents_processed"].columns.items():
        frame[name] = frame[name].astype(str(column.dtype))
    problems = validate(frame, SCHEMAS["documents_processed"], "documents (built)")
    if problems:
        raise DataError(problems)
    return frame


def write_documents(path: Path | str = PROCESSED_CSV, frame: pd.DataFrame | None = None) -> Path:
    """Build (unless ``frame`` is given) and write ``data/processed/documents.csv`` atomically.

    Parameters
    ----------
    path : path-like, default ``data/processed/documents.csv``
    frame : pandas.DataFrame, optional
        A table from :func:`build_documents`.

    Returns
    -------
    pathlib.Path
        The file written (UTF-8, ``\\n`` line ends, rows sorted by doc_id).
    """
    frame = build_documents() if frame is None else frame
    frame = frame.sort_values("doc_id", kind="mergesort")
    return write_csv(frame, path)


__all__ = ["build_documents", "write_documents", "read_curated_documents", "read_state_council_metadata",
           "match_state_council", "normalise_title", "Problem"]
