"""UN E-Government Survey 2003–2024 as one tidy table, and the small tables behind
the report's Figures 1 and 2.

What is here
------------
* :func:`build_egov_survey` reads the thirteen UN DESA exports in ``data/raw/un-egov/``
  (``EGOV_DATA_<year>.csv`` 2003–2022, ``EGOV_WITH_REGIONS_DATA_2022.csv`` for regions,
  ``EGOV_DATA_2024_modified.csv`` with renamed columns and a Region column) and returns
  one row per country and survey year, with ISO3 codes, a region, the five indices and
  the file + 1-based data-row number each row came from.
  :func:`write_egov_survey` writes it to ``data/processed/egov_survey.csv``.
* :func:`china_vs_world` summarises China against the world and China's region, per year.
* The two curated tables behind Figures 1 and 2 (``data/curated/milestones.csv``,
  ``data/curated/provincial_service_levels.csv``) are read with :func:`analysis.load_milestones`
  and :func:`analysis.load_provincial_levels`; their schemas are in ``analysis/schemas/egov.py``.

Decisions a reader should know
------------------------------
* Encoding. Every file is decoded strictly as UTF-8 (a BOM is accepted); if that fails
  the file is decoded as cp1252 and the encoding is recorded. All files in the current
  snapshot are UTF-8 ("Côte d'Ivoire", "Türkiye" decode correctly). The decoded text is
  also checked for mojibake (``Ã``, ``Â``, U+FFFD), which would mean a file was
  re-encoded twice upstream. The expected encoding and SHA-256 of every raw file are in
  ``data/curated/egov_sources.csv`` and are verified on every build.
* Not-assessed rows. In 2003–2005 Montenegro and in 2003–2010 South Sudan (not UN member
  states then) have an empty rank and 0.00000 in every index. These zeros are
  placeholders, not scores: such rows are kept (each file has 193 rows), flagged
  ``assessed = False`` and their indices are set missing. Any other row with an empty
  rank raises an error. Zero EGDI of assessed countries (e.g. 2003 countries
  without an online presence, ranked 174) are kept in the table as the UN files give them,
  but they are not scores: up to 2012 the UN wrote EGDI 0 when a component was 0 or missing.
  Comparisons across countries (:func:`china_vs_world`, the boxes of
  ``analysis.report.indicators.plot_vs_world``) use :func:`egdi_scores`, which treats an
  EGDI of 0 in the editions up to :data:`EGDI_ZERO_LAST_EDITION` as missing;
  :func:`egdi_without_score` counts them per year (2003: 18, … 2012: 3).
* Zeros that mean "no data". Early UN exports write 0.00000 where a component is
  missing: UNU-EGOV's copy of the 2010 survey leaves HCI empty for 9 countries (FSM,
  KIR, MCO, MHL, NRU, PRK, SMR, SOM, TUV) and TII for 2 (NRU, PRK) where the UN file has
  0. Values are kept as the UN files give them (no source gives the missing value);
  treat component zeros before 2014 with care. The 2003 file also gives HCI above 1 for
  Micronesia (1.422) and Tuvalu (1.03), kept as given.
* ISO3. Names are matched (after stripping spaces) to the UNU-EGOV 2010–2018 files'
  ``country-name``→``country-code`` pairs; two names the crosswalk lacks are in
  :data:`MANUAL_ISO3`, each with a note. An unmatched name raises
  :class:`EgovDataError` listing every unmatched name.
* Region. ``EGOV_DATA_2024_modified.csv`` rows keep their own Region column (added by a
  third-party repository; its label "America" is normalised to "Americas"). All other
  years take the region of the same ISO3 in the UN's ``EGOV_WITH_REGIONS_DATA_2022.csv``.
  ``region_source`` says which. Regions are kept as the files give them, errors
  included: the 2022 UN file puts Nicaragua and Tonga in Africa; the 2024 file puts
  Armenia in Europe, Cyprus, Fiji and Georgia in Asia and Nicaragua in Europe.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd

from analysis.paths import CURATED_DIR, PROCESSED_DIR, RAW_DIR
from analysis.tables import read_table, schemas

__all__ = [
    "EgovDataError",
    "SURVEY_FILES",
    "REGIONS_FILE",
    "MANUAL_ISO3",
    "EGOV_SURVEY_COLUMNS",
    "detect_encoding",
    "load_egov_sources",
    "load_iso3_crosswalk",
    "read_survey_file",
    "load_regions_2022",
    "build_egov_survey",
    "write_egov_survey",
    "survey_counts",
    "china_vs_world", "egdi_scores", "egdi_without_score", "EGDI_ZERO_LAST_EDITION",
]


class EgovDataError(ValueError):
    """A raw or curated e-government file does not look as expected (file, row, field named)."""


# survey year -> file under data/raw/ (paths relative to RAW_DIR, as in egov_sources.csv)
SURVEY_FILES: dict[int, str] = {
    **{
        y: f"un-egov/EGOV_DATA_{y}.csv"
        for y in (2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022)
    },
    2024: "un-egov/EGOV_DATA_2024_modified.csv",
}
REGIONS_FILE = "un-egov/EGOV_WITH_REGIONS_DATA_2022.csv"
ISO3_FILES = [f"unu-egov-iso3/egdi-{y}.csv" for y in (2010, 2012, 2014, 2016, 2018)]
SOURCES_CSV = CURATED_DIR / "egov_sources.csv"
EGOV_SURVEY_CSV = PROCESSED_DIR / "egov_survey.csv"
PROVINCIAL_LEVELS_CSV = CURATED_DIR / "provincial_service_levels.csv"
MILESTONES_CSV = CURATED_DIR / "milestones.csv"

# Raw column name -> tidy name. The UN exports (2003–2022) and the renamed 2024 file.
_UN_COLUMNS = {
    "Survey Year": "year",
    "Country Name": "country",
    "E-Government Rank": "rank",
    "E-Government Index": "egdi",
    "E-Participation Index": "epi",
    "Online Service Index": "osi",
    "Human Capital Index": "hci",
    "Telecommunication Infrastructure Index": "tii",
}
_2024_COLUMNS = {
    "Survey Year": "year",
    "Country": "country",
    "Rank": "rank",
    "E_Index": "egdi",
    "E_Participation": "epi",
    "Online_Service": "osi",
    "Human_Capital": "hci",
    "Tele_Infra": "tii",
    "Region": "region",
}
INDEX_COLUMNS = ["egdi", "osi", "hci", "tii", "epi"]

# Names the UNU-EGOV 2010–2018 crosswalk lacks: name -> (ISO3, note).
MANUAL_ISO3: dict[str, tuple[str, str]] = {
    "North Macedonia": (
        "MKD",
        "Renamed from 'The former Yugoslav Republic of Macedonia' (code MKD in the UNU-EGOV "
        "files) by the Prespa agreement, 2019; ISO 3166-1 alpha-3 MKD unchanged.",
    ),
    "Türkiye": (
        "TUR",
        "UN name since 2022 for 'Turkey' (code TUR in the UNU-EGOV files); "
        "ISO 3166-1 alpha-3 TUR unchanged.",
    ),
}

REGION_LABELS = {"America": "Americas"}  # 2024 file label -> label used in the 2022 UN file
REGION_SOURCE_2024 = "EGOV_DATA_2024_modified.csv Region column"
REGION_SOURCE_2022 = "EGOV_WITH_REGIONS_DATA_2022.csv by iso3"

EGOV_SURVEY_COLUMNS = [
    "year", "country", "iso3", "region", "region_source",
    "egdi", "rank", "osi", "hci", "tii", "epi",
    "assessed", "source_file", "source_row",
]

_MOJIBAKE = ("Ã", "Â", "\ufffd")


# --------------------------------------------------------------------------- reading
def detect_encoding(path: Path | str) -> str:
    """Find the text encoding of a raw CSV file.

    Parameters
    ----------
    path : path-like
        The file.

    Returns
    -------
    str
        ``"utf-8-sig"`` (UTF-8 with BOM), ``"utf-8"`` or ``"cp1252"``: the first that
        decodes the bytes strictly and yields no mojibake marker.

    Raises
    ------
    EgovDataError
        If no candidate decodes cleanly, naming the file and the first suspicious line.
    """
    path = Path(path)
    data = path.read_bytes()
    candidates = ["utf-8-sig"] if data.startswith(b"\xef\xbb\xbf") else []
    candidates += ["utf-8", "cp1252"]
    problems = []
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            problems.append(f"{enc}: {exc}")
            continue
        bad = [
            (i, line) for i, line in enumerate(text.splitlines(), start=1)
            if any(m in line for m in _MOJIBAKE)
        ]
        if bad:
            i, line = bad[0]
            problems.append(f"{enc}: mojibake on file line {i}: {line!r}")
            continue
        return enc
    raise EgovDataError(f"{path}: cannot decode cleanly ({'; '.join(problems)})")


def _read_text(path: Path) -> tuple[str, str]:
    enc = detect_encoding(path)
    return path.read_bytes().decode(enc), enc


def _read_csv_strings(path: Path) -> tuple[pd.DataFrame, str]:
    """Read a CSV as strings (no NA conversion); return frame and encoding."""
    text, enc = _read_text(path)
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    return df, enc


def load_egov_sources(path: Path | str = SOURCES_CSV, verify: bool = True) -> pd.DataFrame:
    """Read the per-file provenance table and (optionally) verify every raw file against it.

    Parameters
    ----------
    path : path-like
        ``data/curated/egov_sources.csv``.
    verify : bool
        Check each file's SHA-256, detected encoding, line terminator and data-row count.

    Returns
    -------
    pandas.DataFrame
        Columns: source_file (path under data/raw/), role (survey / regions /
        iso3-crosswalk), survey_year, repository, commit, upstream_path, licence,
        sha256, encoding, line_terminator (LF / CRLF), n_data_rows, note.

    Raises
    ------
    EgovDataError
        Listing every problem of the table against the ``egov_sources`` schema (file, line,
        column), or naming the file and field that differ from the record.
    """
    src, problems = read_table(path, schemas()["egov_sources"])
    if problems:
        raise EgovDataError(f"{path}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
    # text columns as plain str with "" for an empty cell (the integer columns stay Int64)
    for col in src.columns:
        if src[col].dtype == "string":
            src[col] = src[col].fillna("").astype(str)
    if verify:
        errors = []
        for i, r in enumerate(src.itertuples(index=False), start=1):
            f = RAW_DIR / r.source_file
            where = f"{path} row {i} ({r.source_file})"
            if not f.exists():
                errors.append(f"{where}: file missing")
                continue
            data = f.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            if sha != r.sha256:
                errors.append(f"{where}: field sha256 {r.sha256} != file {sha}")
            enc = detect_encoding(f)
            if enc != r.encoding:
                errors.append(f"{where}: field encoding {r.encoding!r} != detected {enc!r}")
            term = "CRLF" if b"\r\n" in data else "LF"
            if term != r.line_terminator:
                errors.append(f"{where}: field line_terminator {r.line_terminator} != {term}")
            n = len(data.decode(enc).splitlines()) - 1
            if n != r.n_data_rows:
                errors.append(f"{where}: field n_data_rows {r.n_data_rows} != {n}")
        if errors:
            raise EgovDataError("raw e-government files differ from their record:\n" + "\n".join(errors))
    return src


def load_iso3_crosswalk() -> pd.DataFrame:
    """Country name → ISO3 pairs from the UNU-EGOV 2010–2018 files plus :data:`MANUAL_ISO3`.

    Returns
    -------
    pandas.DataFrame
        Columns: country (name, spaces stripped), iso3, crosswalk_source (first UNU file
        holding the pair, or ``"manual"``), note. One row per name, sorted by country.

    Raises
    ------
    EgovDataError
        If one name maps to two codes, or one code to names in a way that conflicts
        with the manual entries.
    """
    pairs: dict[str, tuple[str, str]] = {}
    for rel in ISO3_FILES:
        df, _ = _read_csv_strings(RAW_DIR / rel)
        for i, (code, name) in enumerate(zip(df["country-code"], df["country-name"]), start=1):
            name, code = name.strip(), code.strip()
            if len(code) != 3 or not code.isalpha() or not code.isupper():
                raise EgovDataError(f"{rel} row {i}: field country-code {code!r} is not ISO3")
            if name in pairs and pairs[name][0] != code:
                raise EgovDataError(
                    f"{rel} row {i}: name {name!r} has code {code} here but "
                    f"{pairs[name][0]} in {pairs[name][1]}"
                )
            pairs.setdefault(name, (code, rel))
    rows = [
        {"country": n, "iso3": c, "crosswalk_source": s, "note": ""}
        for n, (c, s) in pairs.items()
    ]
    for name, (code, note) in MANUAL_ISO3.items():
        if name in pairs and pairs[name][0] != code:
            raise EgovDataError(f"MANUAL_ISO3 {name!r}={code} contradicts {pairs[name]}")
        if name not in pairs:
            rows.append({"country": name, "iso3": code, "crosswalk_source": "manual", "note": note})
    out = pd.DataFrame(rows).sort_values("country", ignore_index=True, kind="stable")
    return out.astype("string")


def _to_float(values: pd.Series, rel: str, field: str) -> pd.Series:
    out = pd.to_numeric(values.str.strip().replace("", None), errors="coerce")
    bad = values.str.strip().ne("") & out.isna()
    if bad.any():
        rows = [f"row {i + 1}: {values.iloc[i]!r}" for i in range(len(values)) if bad.iloc[i]]
        raise EgovDataError(f"{rel}: field {field} not a number at " + ", ".join(rows))
    return out.astype("Float64")


def read_survey_file(year: int) -> pd.DataFrame:
    """Read one survey year's raw file into tidy columns (no ISO3, no region mapping).

    Parameters
    ----------
    year : int
        A key of :data:`SURVEY_FILES`.

    Returns
    -------
    pandas.DataFrame
        Columns: year (Int64), country (string, spaces stripped), region (string, only
        from the 2024 file, else missing), egdi, rank (Int64), osi, hci, tii, epi
        (Float64), assessed (boolean), source_file, source_row (Int64, 1-based data row),
        encoding.

    Raises
    ------
    EgovDataError
        On unexpected columns, a year cell that differs from ``year``, a non-number,
        or an empty rank on a row whose indices are not all zero.
    """
    rel = SURVEY_FILES[year]
    raw, enc = _read_csv_strings(RAW_DIR / rel)
    mapping = _2024_COLUMNS if year == 2024 else _UN_COLUMNS
    if list(raw.columns) != list(mapping):
        raise EgovDataError(f"{rel}: columns {list(raw.columns)} != expected {list(mapping)}")
    df = raw.rename(columns=mapping)
    out = pd.DataFrame({"source_row": pd.array(range(1, len(df) + 1), dtype="Int64")})
    yr = pd.to_numeric(df["year"], errors="coerce")
    if (yr != year).any():
        i = int((yr != year).to_numpy().argmax())
        raise EgovDataError(f"{rel} row {i + 1}: field Survey Year {df['year'].iloc[i]!r} != {year}")
    out["year"] = pd.array([year] * len(df), dtype="Int64")
    out["country"] = df["country"].str.strip().astype("string")
    if (out["country"] == "").any():
        i = int((out["country"] == "").to_numpy().argmax())
        raise EgovDataError(f"{rel} row {i + 1}: field country is empty")
    if "region" in df:
        out["region"] = df["region"].str.strip().replace(REGION_LABELS).astype("string")
    else:
        out["region"] = pd.array([pd.NA] * len(df), dtype="string")
    for col in INDEX_COLUMNS:
        out[col] = _to_float(df[col], rel, col)
    rank = _to_float(df["rank"], rel, "rank")
    if (rank.dropna() % 1 != 0).any():
        raise EgovDataError(f"{rel}: field rank has non-integer values")
    out["rank"] = rank.astype("Int64")
    unranked = out["rank"].isna()
    zero = out[INDEX_COLUMNS].fillna(0).eq(0).all(axis=1)
    if (unranked & ~zero).any():
        rows = (out.index[unranked & ~zero] + 1).tolist()
        raise EgovDataError(f"{rel}: field rank empty on rows {rows} whose indices are not all 0")
    out["assessed"] = (~unranked).astype("boolean")
    out.loc[unranked, INDEX_COLUMNS] = pd.NA  # placeholders, not scores
    out["source_file"] = pd.array([rel] * len(df), dtype="string")
    out["encoding"] = pd.array([enc] * len(df), dtype="string")
    return out


def load_regions_2022() -> pd.DataFrame:
    """The UN 2022 region of every country, from ``EGOV_WITH_REGIONS_DATA_2022.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns: country (stripped), iso3, region, egdi (Float64, as that file gives it,
        4 decimals), source_row. One row per country.
    """
    raw, _ = _read_csv_strings(RAW_DIR / REGIONS_FILE)
    expected = list(_UN_COLUMNS) + ["Region"]
    if list(raw.columns) != expected:
        raise EgovDataError(f"{REGIONS_FILE}: columns {list(raw.columns)} != expected {expected}")
    out = pd.DataFrame({
        "country": raw["Country Name"].str.strip().astype("string"),
        "region": raw["Region"].str.strip().astype("string"),
        "egdi": _to_float(raw["E-Government Index"], REGIONS_FILE, "E-Government Index"),
        "source_row": pd.array(range(1, len(raw) + 1), dtype="Int64"),
    })
    out.insert(1, "iso3", _attach_iso3(out["country"], REGIONS_FILE))
    if out["iso3"].duplicated().any():
        raise EgovDataError(f"{REGIONS_FILE}: duplicate countries {out.loc[out.iso3.duplicated(), 'country'].tolist()}")
    return out


def _attach_iso3(names: pd.Series, what: str) -> pd.Series:
    cw = load_iso3_crosswalk()
    lookup = dict(zip(cw["country"], cw["iso3"]))
    iso = names.map(lookup)
    missing = sorted(set(names[iso.isna()]))
    if missing:
        raise EgovDataError(
            f"{what}: no ISO3 for {len(missing)} country name(s): {missing}. "
            "Add them to analysis.report.egov.MANUAL_ISO3 with a note."
        )
    return iso.astype("string")


# --------------------------------------------------------------------------- building
def build_egov_survey(verify_sources: bool = True) -> pd.DataFrame:
    """Build the tidy UN E-Government Survey table, 2003–2024.

    Parameters
    ----------
    verify_sources : bool
        Verify every raw file against ``data/curated/egov_sources.csv`` first
        (SHA-256, encoding, line ends, row count).

    Returns
    -------
    pandas.DataFrame
        One row per country and survey year (193 a year), sorted by year, iso3.
        Columns: year (Int64), country (string, UN name as the file gives it, spaces
        stripped), iso3 (string, ISO 3166-1 alpha-3), region (string: Africa, Americas,
        Asia, Europe, Oceania), region_source (string), egdi (Float64, E-Government
        Development Index 0–1), rank (Int64, EGDI rank; ties share a rank), osi (Online
        Service Index), hci (Human Capital Index), tii (Telecommunication
        Infrastructure Index), epi (E-Participation Index) — all Float64 0–1, missing
        when not assessed — assessed (boolean, False for the placeholder rows of
        countries not yet UN members), source_file (string, path under data/raw/),
        source_row (Int64, 1-based data row in source_file).

    Raises
    ------
    EgovDataError
        On a raw file that differs from its record, an unmatched country name,
        a duplicate country in a year, or a year without a region for some country.
    """
    if verify_sources:
        load_egov_sources(verify=True)
    regions = load_regions_2022()
    region_by_iso = dict(zip(regions["iso3"], regions["region"]))
    frames = []
    for year in sorted(SURVEY_FILES):
        df = read_survey_file(year)
        df["iso3"] = _attach_iso3(df["country"], SURVEY_FILES[year])
        dup = df["iso3"].duplicated(keep=False)
        if dup.any():
            raise EgovDataError(
                f"{SURVEY_FILES[year]}: the same ISO3 on rows "
                f"{(df.index[dup] + 1).tolist()} ({sorted(set(df.loc[dup, 'country']))})"
            )
        if year == 2024:
            df["region_source"] = pd.array([REGION_SOURCE_2024] * len(df), dtype="string")
        else:
            df["region"] = df["iso3"].map(region_by_iso).astype("string")
            df["region_source"] = pd.array([REGION_SOURCE_2022] * len(df), dtype="string")
        if df["region"].isna().any():
            raise EgovDataError(
                f"{SURVEY_FILES[year]}: no region for {df.loc[df.region.isna(), 'country'].tolist()}"
            )
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["year", "iso3"], ignore_index=True, kind="stable")[EGOV_SURVEY_COLUMNS]
    return out


def write_egov_survey(path: Path | str = EGOV_SURVEY_CSV, df: pd.DataFrame | None = None) -> Path:
    """Build (unless given) and write the survey table atomically, sorted by year, iso3.

    Parameters
    ----------
    path : path-like
        Output CSV, default ``data/processed/egov_survey.csv``.
    df : pandas.DataFrame, optional
        A table from :func:`build_egov_survey`; built if omitted.

    Returns
    -------
    pathlib.Path
        The written file (UTF-8, LF, header row; missing values as empty cells).
    """
    if df is None:
        df = build_egov_survey()
    df = df[EGOV_SURVEY_COLUMNS].sort_values(["year", "iso3"], ignore_index=True, kind="stable")
    from ..tables import write_csv

    return write_csv(df, path)


# --------------------------------------------------------------------------- summaries
def survey_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Countries per survey year.

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`build_egov_survey`.

    Returns
    -------
    pandas.DataFrame
        Columns: year, n_rows (countries listed), n_assessed (with a rank and scores),
        n_not_assessed, not_assessed (";"-joined names).
    """
    g = df.groupby("year", sort=True)
    out = pd.DataFrame({
        "n_rows": g.size(),
        "n_assessed": g["assessed"].sum(),
    })
    out["n_not_assessed"] = out["n_rows"] - out["n_assessed"]
    out["not_assessed"] = g.apply(
        lambda x: ";".join(sorted(x.loc[~x["assessed"], "country"])), include_groups=False
    )
    return out.reset_index().astype({"n_rows": "Int64", "n_assessed": "Int64", "n_not_assessed": "Int64"})


#: Last edition in which the UN files write EGDI 0 for a country without a score (none from 2014).
EGDI_ZERO_LAST_EDITION = 2012


def egdi_scores(df: pd.DataFrame) -> pd.DataFrame:
    """Assessed rows with EGDI 0 of the editions up to :data:`EGDI_ZERO_LAST_EDITION` set missing.

    Returns
    -------
    pandas.DataFrame
        The assessed rows of ``df`` (a copy), ``egdi`` missing where the UN file gives 0 in 2003–2012,
        plus ``egdi_without_score`` (boolean: True on those rows).
    """
    a = df[df["assessed"].fillna(False).astype(bool)].copy()
    zero = a["egdi"].astype("Float64").eq(0).fillna(False) & (a["year"].astype(int) <= EGDI_ZERO_LAST_EDITION)
    a["egdi_without_score"] = zero.astype("boolean")
    a.loc[zero, "egdi"] = pd.NA
    return a


def egdi_without_score(df: pd.DataFrame) -> pd.DataFrame:
    """Per edition, the assessed countries whose EGDI the UN files give as 0 (treated as missing).

    Returns
    -------
    pandas.DataFrame
        year, n_assessed, n_without_score (Int64), countries (";"-joined iso3, sorted).
    """
    a = egdi_scores(df)
    g = a.groupby("year", sort=True)
    out = pd.DataFrame({"n_assessed": g.size(), "n_without_score": g["egdi_without_score"].sum(),
                        "countries": g.apply(lambda x: ";".join(sorted(x.loc[x["egdi_without_score"].astype(bool),
                                                                             "iso3"])), include_groups=False)})
    return out.reset_index().astype({"year": "Int64", "n_assessed": "Int64", "n_without_score": "Int64",
                                     "countries": "string"})


def china_vs_world(df: pd.DataFrame | None = None, iso3: str = "CHN") -> pd.DataFrame:
    """China's EGDI and rank against the world and China's region, per survey year.

    Parameters
    ----------
    df : pandas.DataFrame, optional
        From :func:`build_egov_survey` (built if omitted).
    iso3 : str
        Country to compare, default ``"CHN"``.

    Returns
    -------
    pandas.DataFrame
        One row per year. Columns: year, country_egdi, country_rank, n_assessed
        (countries assessed that year), n_without_score (assessed, but EGDI 0 in the UN file up to
        2012: treated as missing, see :func:`egdi_scores`), world_mean_egdi, world_median_egdi,
        country_minus_world_mean, region (the country's region that year), n_region
        (assessed countries in that region that year), n_region_without_score, region_mean_egdi,
        region_median_egdi. Means and medians are unweighted over assessed countries with a score.
        Note the 2024 region comes from a different file than earlier years (see module
        notes), so the membership of "Asia" differs in 2024 (47 vs 45 countries).
    """
    if df is None:
        df = build_egov_survey()
    rows = []
    scored = egdi_scores(df)
    for year, g in df.groupby("year", sort=True):
        a = scored[scored["year"] == year]
        me = g[g["iso3"] == iso3]
        if len(me) != 1:
            raise EgovDataError(f"year {year}: {len(me)} rows for {iso3}")
        me = me.iloc[0]
        reg = a[a["region"] == me["region"]]
        rows.append({
            "year": year,
            "country_egdi": me["egdi"],
            "country_rank": me["rank"],
            "n_assessed": len(a),
            "n_without_score": int(a["egdi_without_score"].sum()),
            "world_mean_egdi": a["egdi"].mean(),
            "world_median_egdi": a["egdi"].median(),
            "country_minus_world_mean": me["egdi"] - a["egdi"].mean(),
            "region": me["region"],
            "n_region": len(reg),
            "n_region_without_score": int(reg["egdi_without_score"].sum()),
            "region_mean_egdi": reg["egdi"].mean(),
            "region_median_egdi": reg["egdi"].median(),
        })
    out = pd.DataFrame(rows)
    return out.astype({
        "year": "Int64", "country_egdi": "Float64", "country_rank": "Int64", "n_assessed": "Int64",
        "n_without_score": "Int64", "n_region_without_score": "Int64", "world_mean_egdi": "Float64", "world_median_egdi": "Float64",
        "country_minus_world_mean": "Float64", "region": "string", "n_region": "Int64",
        "region_mean_egdi": "Float64", "region_median_egdi": "Float64",
    })


# --------------------------------------------------------------------------- curated tables
