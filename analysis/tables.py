"""Reading, validating, writing and documenting the project's tables.

Every table under ``data/curated`` and ``data/processed`` has one pandera schema (in
``analysis/schemas/``) that is used three ways: to validate on load, to type the loaded columns,
and to write the data dictionary ``data/README.md``. Problems are collected, not raised one at a
time: a bad file gives every problem with its file, line and column.
"""
from __future__ import annotations

import csv
import hashlib
import importlib
import io
import pkgutil
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .files import atomic_write_bytes, round_floats
from .paths import RAW_DIR, ROOT

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a data file: where (file, CSV line, column) and what."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataError(ValueError):
    """Raised by loaders when a table fails validation; ``.problems`` lists every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the data:\n"
        super().__init__(head + "\n".join(f"  - {p}" for p in self.problems))


def _rel(path: Path) -> str:
    path = Path(path)
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- schemas
@lru_cache(maxsize=1)
def schemas() -> dict[str, object]:
    """All table schemas of the project, by table name (collected from ``analysis.schemas.*``)."""
    from . import schemas as pkg

    found: dict[str, object] = {}
    for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{pkg.__name__}.{mod.name}")
        for name, schema in getattr(module, "SCHEMAS", {}).items():
            if name in found:
                raise RuntimeError(f"table {name!r} is defined twice (analysis/schemas/{mod.name}.py)")
            found[name] = schema
    return dict(sorted(found.items()))


def table_path(name: str) -> Path:
    """The file of a table, from its schema's ``metadata['path']`` (relative to the repository)."""
    schema = schemas()[name]
    return ROOT / schema.metadata["path"]


def _allowed_values(column) -> list | None:
    for check in column.checks:
        allowed = (check.statistics or {}).get("allowed_values")
        if allowed is not None:
            return list(allowed)
    return None


# --------------------------------------------------------------------------- reading
def _decode(raw: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    if not raw.strip():
        return None, [Problem(rel, None, None, "file is empty (expected a header row and data rows)")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            hint = "it is not valid UTF-8 and not GB18030 either"
        else:
            hint = ("it decodes as GB18030: re-save it as UTF-8 "
                    "(e.g. `iconv -f GB18030 -t UTF-8 in.csv > out.csv`)")
        return None, [Problem(rel, line, None,
                              f"not UTF-8 (byte 0x{raw[err.start]:02x} cannot be decoded); {hint}")]


def _parse_rows(text: str, rel: str):
    """Rows of a CSV text with the line on which each record starts; problems for malformed records."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, starts = [], []
    last = 0
    try:
        for row in reader:
            starts.append(last + 1)
            last = reader.line_num
            rows.append(row)
    except csv.Error as err:
        problems.append(Problem(rel, last + 1, None,
                                f"malformed CSV ({err}); is the file truncated or a quote unclosed?"))
    return rows, starts, problems


def _coerce(series: pd.Series, dtype: str, rel: str, column: str, lines: list[int]) -> tuple[pd.Series, list[Problem]]:
    problems: list[Problem] = []
    present = series.notna()
    if dtype in ("Int64", "Float64"):
        num = pd.to_numeric(series, errors="coerce")
        bad = present & num.isna()
        if dtype == "Int64":
            frac = present & num.notna() & (num % 1 != 0)
            bad = bad | frac
            kind = "an integer"
        else:
            kind = "a number"
        for i in series.index[bad]:
            problems.append(Problem(rel, lines[i], column, f"{series[i]!r} is not {kind}"))
        num[bad] = pd.NA
        return num.astype(dtype), problems
    if dtype == "boolean":
        low = series.str.strip().str.lower()
        out = pd.Series(pd.NA, index=series.index, dtype="boolean")
        out[low.isin(_TRUE)] = True
        out[low.isin(_FALSE)] = False
        for i in series.index[present & out.isna()]:
            problems.append(Problem(rel, lines[i], column, f"{series[i]!r} is not true/false"))
        return out, problems
    return series.astype("string"), problems


def read_table(path: Path | str, schema) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a CSV file against a schema; return the typed frame (or None) and every problem found.

    Checks, in order: the file exists and is not empty; it is UTF-8 (a GB18030 file is named as
    such); every record has as many fields as the header; the header has exactly the schema's
    columns; each value converts to its column's type; then the schema's checks (ranges, allowed
    values, uniqueness, patterns). Line numbers are those of the CSV file (header = line 1).
    """
    path = Path(path)
    rel = _rel(path)
    if not path.is_file():
        return None, [Problem(rel, None, None, "file not found")]
    text, problems = _decode(path.read_bytes(), rel)
    if text is None:
        return None, problems
    rows, starts, problems = _parse_rows(text, rel)
    if problems:
        return None, problems
    if not rows:
        return None, [Problem(rel, None, None, "file is empty (expected a header row and data rows)")]
    header, body, lines = rows[0], rows[1:], starts[1:]
    expected = list(schema.columns)
    for col in expected:
        if col not in header:
            problems.append(Problem(rel, 1, col, "missing column"))
    for col in header:
        if col not in expected:
            problems.append(Problem(rel, 1, col, "unexpected column (not in the schema)"))
    if len(set(header)) != len(header):
        problems.append(Problem(rel, 1, None, "duplicate column names in header"))
    for row, line in zip(body, lines):
        if len(row) != len(header):
            problems.append(Problem(rel, line, None,
                                    f"record has {len(row)} fields, the header has {len(header)} "
                                    "(truncated file or unquoted comma?)"))
    if problems:
        return None, problems
    frame = pd.DataFrame(body, columns=header, dtype="string")
    frame = frame.replace("", pd.NA)
    for col in expected:
        frame[col], col_problems = _coerce(frame[col], str(schema.columns[col].dtype).replace("string[python]", "string"),
                                           rel, col, lines)
        problems.extend(col_problems)
    frame = frame[expected]
    problems.extend(validate(frame, schema, rel, lines))
    return frame, problems


def validate(frame: pd.DataFrame, schema, rel: str = "<frame>", lines: list[int] | None = None) -> list[Problem]:
    """Run a pandera schema lazily; every failure becomes a :class:`Problem` (with the CSV line if known)."""
    import pandera.pandas as pa

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        out = []
        for rec in err.failure_cases.itertuples(index=False):
            idx = rec.index
            line = None
            if idx is not None and not pd.isna(idx):
                line = lines[int(idx)] if lines is not None else int(idx)
            column = rec.column if isinstance(rec.column, str) else None
            check = str(rec.check)
            value = rec.failure_case
            shown = repr(value) if isinstance(value, str) else str(value)
            if check in ("field_uniqueness", "multiple_fields_uniqueness"):
                msg = f"duplicate value {shown} (must be unique)"
            elif check == "not_nullable":
                msg = "missing value (column is required)"
            elif check.startswith("column_in_dataframe"):
                msg = "missing column"
            else:
                msg = f"value {shown} fails check: {check}"
            out.append(Problem(rel, line, column, msg))
        return sorted(set(out), key=lambda p: (p.line or 0, p.column or "", p.message))
    return []


def _typed(frame: pd.DataFrame, schema) -> pd.DataFrame:
    """Turn columns with a closed set of values into categoricals (categories in schema order)."""
    frame = frame.copy()
    for name, column in schema.columns.items():
        allowed = _allowed_values(column)
        if allowed is not None and str(column.dtype).startswith("string"):
            frame[name] = pd.Categorical(frame[name].astype(object).where(frame[name].notna(), None),
                                         categories=allowed)
    return frame


def load_table(name: str, *, typed: bool = True) -> pd.DataFrame:
    """Load and validate one table by name; raise :class:`DataError` listing every problem.

    Columns keep their schema dtypes (``string``, ``Int64``, ``Float64``, ``boolean``); with
    ``typed=True`` columns restricted to a fixed set of values become categoricals.
    """
    schema = schemas()[name]
    frame, problems = read_table(table_path(name), schema)
    if problems:
        raise DataError(problems)
    return _typed(frame, schema) if typed else frame


# --------------------------------------------------------------------------- writing
def write_csv(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write a table as UTF-8 CSV with ``\\n`` line ends, atomically (temporary file, then rename)."""
    return atomic_write_bytes(path, csv_bytes(frame))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The exact bytes the project writes for a table: UTF-8 CSV, header, no index, ``\n`` line ends.

    Floats are written at the declared precision (:data:`analysis.files.FLOAT_SIGNIFICANT_DIGITS`
    significant digits, see :func:`analysis.files.round_floats`), so that a last-bit difference between two
    machines' floating-point kernels does not change a byte of the file.
    """
    return round_floats(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


# --------------------------------------------------------------------------- checking everything
def check_raw_manifest() -> list[Problem]:
    """Raw files must match ``data/raw/MANIFEST.csv`` byte for byte (raw data is never rewritten)."""
    manifest = RAW_DIR / "MANIFEST.csv"
    rel = _rel(manifest)
    if not manifest.is_file():
        return [Problem(rel, None, None, "file not found")]
    problems = []
    listed = set()
    with manifest.open(encoding="utf-8", newline="") as fh:
        for line, rec in enumerate(csv.DictReader(fh), start=2):
            listed.add(rec["path"])
            path = RAW_DIR / rec["path"]
            if not path.is_file():
                problems.append(Problem(rel, line, "path", f"raw file {rec['path']} is missing"))
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != rec["sha256"]:
                problems.append(Problem(rel, line, "sha256",
                                        f"raw file {rec['path']} differs from its recorded checksum "
                                        "(raw data must never be rewritten)"))
    for path in sorted(RAW_DIR.rglob("*")):
        rp = path.relative_to(RAW_DIR).as_posix()
        if path.is_file() and rp != "MANIFEST.csv" and rp not in listed:
            problems.append(Problem(rel, None, None, f"raw file {rp} is not listed (add its provenance)"))
    return problems


def _foreign_key_problems(frames: dict[str, pd.DataFrame], lines: dict[str, list[int]]) -> list[Problem]:
    problems = []
    for name, schema in schemas().items():
        frame = frames.get(name)
        for column, target in (schema.metadata or {}).get("foreign_keys", {}).items():
            table, _, key = target.partition(".")
            if frame is None or frames.get(table) is None:
                continue
            known = set(frames[table][key].dropna().astype(str))
            rel = _rel(table_path(name))
            for i, value in frame[column].items():
                if pd.isna(value):
                    continue
                for part in str(value).split(";"):
                    part = part.strip()
                    if part and part not in known:
                        problems.append(Problem(rel, lines[name][i] if lines.get(name) else None, column,
                                                f"{part!r} is not a known {target}"))
    return problems


def check_all() -> dict[str, tuple[pd.DataFrame | None, list[Problem]]]:
    """Validate every table and the raw manifest; returns ``{name: (frame, problems)}``.

    The pseudo-table ``raw`` holds the manifest problems; foreign-key problems are added to the
    referring table.
    """
    results: dict[str, tuple[pd.DataFrame | None, list[Problem]]] = {}
    frames, lines = {}, {}
    for name, schema in schemas().items():
        frame, problems = read_table(table_path(name), schema)
        results[name] = (frame, problems)
        if frame is not None:
            frames[name] = frame
            lines[name] = _record_lines(table_path(name))
    for p in _foreign_key_problems(frames, lines):
        name = next(n for n in schemas() if _rel(table_path(n)) == p.file)
        results[name][1].append(p)
    results["raw"] = (None, check_raw_manifest())
    return results


def _record_lines(path: Path) -> list[int]:
    text = path.read_bytes().decode("utf-8-sig")
    _, starts, _ = _parse_rows(text, "")
    return starts[1:]


# --------------------------------------------------------------------------- documentation
def data_dictionary() -> str:
    """The data dictionary (Markdown) generated from the schemas: one section per table."""
    out = ["# Data dictionary", "",
           "Generated from the schemas in `analysis/schemas/` by `python -m analysis docs`; do not edit by hand.",
           "Raw third-party files and their provenance (repository, commit, licence, checksum) are listed in",
           "[`raw/MANIFEST.csv`](raw/MANIFEST.csv); what is wrong with each is in [`raw/SOURCES.md`](raw/SOURCES.md).",
           "Tables in `curated/` were entered by hand from the report (one page and verbatim sentence per row);",
           "tables in `processed/` are built by code (`python -m analysis build`) from `raw/` and `curated/`.",
           "Empty cells are missing values: a value the sources do not give is left empty, never guessed.", ""]
    for name, schema in schemas().items():
        meta = schema.metadata or {}
        out += [f"## `{name}` — `{meta.get('path')}`", "", (schema.description or "").strip(), ""]
        if meta.get("primary_key"):
            out.append(f"Primary key: {', '.join(f'`{k}`' for k in meta['primary_key'])}.  ")
        for col, target in meta.get("foreign_keys", {}).items():
            out.append(f"`{col}` refers to `{target}`.  ")
        out += ["", "| column | type | required | description | allowed values |", "|---|---|---|---|---|"]
        for col, column in schema.columns.items():
            allowed = _allowed_values(column)
            allowed_s = ", ".join(map(str, allowed)) if allowed else ""
            desc = (column.description or "").replace("|", "\\|").replace("\n", " ")
            dtype = str(column.dtype).replace("string[python]", "string")
            out.append(f"| `{col}` | {dtype} | {'no' if column.nullable else 'yes'} | {desc} | {allowed_s} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def write_data_dictionary() -> Path:
    """Write ``data/README.md`` from the schemas (atomically); return its path."""
    from .paths import DATA_DIR

    return atomic_write_bytes(DATA_DIR / "README.md", data_dictionary().encode("utf-8"))


def overview() -> pd.DataFrame:
    """One row per table: name, file, rows, columns and the first sentence of its description.

    Tables whose file is missing or invalid show ``rows`` as missing and the number of problems.
    """
    records = []
    for name, schema in schemas().items():
        frame, problems = read_table(table_path(name), schema)
        desc = " ".join((schema.description or "").split())
        records.append({
            "table": name,
            "file": schema.metadata["path"],
            "rows": len(frame) if frame is not None else pd.NA,
            "columns": len(schema.columns),
            "problems": len(problems),
            "description": desc.split(". ")[0].rstrip(".") + ".",
        })
    out = pd.DataFrame.from_records(records)
    return out.astype({"rows": "Int64", "columns": "Int64", "problems": "Int64"})
