"""One pandera schema per table. Each module here defines ``SCHEMAS = {table_name: DataFrameSchema}``.

A schema's ``metadata`` carries ``path`` (the CSV file, relative to the repository), ``primary_key``
and ``foreign_keys`` (``{column: "table.column"}``; ``;``-separated lists are checked element-wise).
The same schemas validate on load (:func:`analysis.tables.load_table`), run in
``python -m analysis check``, and generate ``data/README.md``.
"""
from __future__ import annotations

import datetime as _dt
import re as _re

import pandas as _pd
import pandera.pandas as pa

_ISO = _re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _valid_iso(value) -> bool:
    if value is None or value is _pd.NA or (isinstance(value, float) and value != value):
        return True
    m = _ISO.match(str(value))
    if not m:
        return False
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        _dt.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return 1900 <= year <= 2030


def iso_date_check() -> pa.Check:
    """A real calendar date written YYYY, YYYY-MM or YYYY-MM-DD (2021-02-30 fails, 2021-02 passes)."""
    return pa.Check(lambda s: s.map(_valid_iso).astype(bool), element_wise=False,
                    error="not a real date in the form YYYY, YYYY-MM or YYYY-MM-DD", name="iso_date")
