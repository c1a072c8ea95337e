"""How pandas tables look in JupyterLab and in the book: text left, numbers right, long text whole.

JupyterLab's stylesheet right-aligns every table cell (``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td
{text-align: right}``) and its sanitizer drops ``<style>`` blocks from untrusted outputs, so a stylesheet (the book's
or a :class:`pandas.io.formats.style.Styler`'s own ``<style>`` block) cannot put text columns on the left. What does
survive both is an inline ``style`` attribute on each cell. :func:`frame_html` renders a DataFrame through a Styler
(which draws the header rows, the MultiIndex spans and escapes the text) and writes each cell's alignment and
wrapping into that cell's ``style`` attribute:

* text columns (object, string and categorical columns whose values are not all numbers) are left-aligned; numbers,
  dates and durations right-aligned; the header cell of a column follows its column, the index cells their level;
  a missing value is centred (the book draws its marker there);
* text keeps its line breaks (``white-space: pre-wrap``) and is never cut: the HTML shows the whole value, whatever
  ``display.max_colwidth`` says (the plain-text repr keeps that option's visible ``...`` cut); a short text column
  (no value longer than :data:`NOWRAP_CHARS` characters and no line break) does not wrap at all, so that a name such
  as 数据安全法 is not broken over three lines beside a long column, and a long one gets a minimum width;
* numbers are written exactly as pandas' own HTML writes them (``pandas.io.formats.format.format_array``: the
  ``display.precision`` digits, trailing zeros trimmed alike down a column, scientific notation for tiny p-values);
* the output is deterministic (a fixed Styler uuid, no ids, no ``<style>`` block).

:func:`install` (called by :func:`analysis.setup`) registers :func:`frame_html` as IPython's ``text/html`` formatter
for DataFrames; the ``text/plain`` output is pandas' own repr, unchanged.
"""
from __future__ import annotations

import re

#: A text column whose values are all at most this many characters long (and hold no line break) does not wrap.
NOWRAP_CHARS = 16
#: Minimum width of a text column with longer values, in em (one em holds one Chinese character).
LONG_TEXT_MIN_EM = 16
#: A text column is "long" when a value exceeds this many characters.
LONG_TEXT_CHARS = 40

#: A string that reads as a number, a range, a share or a date: 1,911 · −0.003 · 12 % · 0.64–0.87 · (−0.003, 0.285) ·
#: <0.001 · 2021-06-10 (the reading the book uses for a table cell, analysis.book.NUMERIC). A column of such strings is
#: a column of numbers and is right-aligned.
_NUMBER = r"[-+−]?(?:\d{1,3}(?:[,\u202f]\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
NUMBER_LIKE = re.compile(
    rf"(?:[<>≤≥≈~]\s*)?[(\[]?{_NUMBER}\s*(?:%|‰|×)?(?:\s*(?:–|—|-|,|to)\s*{_NUMBER}\s*(?:%|‰)?)?[)\]]?"
    r"|\d{4}-\d{2}(?:-\d{2})?(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|×\s*\d+(?:\.\d+)?")
#: Strings that stand for a missing value (pandas' own spellings).
MISSING_STRINGS = frozenset({"NaN", "nan", "<NA>", "None", "NaT", ""})

LEFT = "text-align: left"
MISSING = "text-align: center"
RIGHT = "text-align: right"


def _is_number(x) -> bool:
    import numbers

    return isinstance(x, numbers.Number) and not isinstance(x, bool)


def is_text(values) -> bool:
    """Whether a column (or index level) is shown left-aligned: its dtype is not numeric, datetime or timedelta, and
    it is not an object or string column holding only numbers, or strings that read as numbers or dates
    (:data:`NUMBER_LIKE`; missing values aside)."""
    import pandas as pd
    from pandas.api import types

    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return is_text(pd.Index(dtype.categories))
    if types.is_bool_dtype(dtype):
        return True
    if types.is_numeric_dtype(dtype) or types.is_datetime64_any_dtype(dtype) or types.is_timedelta64_dtype(dtype):
        return False
    present = [x for x in values if not _is_missing(x) and not (isinstance(x, str) and x.strip() in MISSING_STRINGS)]
    return not (present and all(_is_number(x) or (isinstance(x, str) and NUMBER_LIKE.fullmatch(x.strip()))
                                for x in present))


def _is_missing(x) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):   # a list or array in a cell
        return False


def _missing_text(x) -> str:
    """What pandas prints for a missing value in an object column."""
    import pandas as pd

    if x is None:
        return "None"
    if x is pd.NA:
        return "<NA>"
    if x is pd.NaT:
        return "NaT"
    return "NaN"


def _labels_shown(index):
    """``index`` with each missing label replaced by the text pandas prints for it (unchanged when none is missing)."""
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        if not any(_is_missing(v) for t in index for v in t):
            return index
        return pd.MultiIndex.from_tuples([tuple(_missing_text(v) if _is_missing(v) else v for v in t) for t in index],
                                         names=index.names)
    if not any(_is_missing(v) for v in index):
        return index
    return pd.Index([_missing_text(v) if _is_missing(v) else v for v in index], name=index.name, dtype=object)


def _text_cell(x) -> str:
    from pandas.io.formats.printing import pprint_thing

    if isinstance(x, str):
        return x
    if _is_missing(x):
        return _missing_text(x)
    return pprint_thing(x)        # lists, tuples, dicts as pandas prints them, without escaping line breaks


def _column_strings(col) -> list[str]:
    """The strings pandas' HTML writer shows for a non-text column, without its padding."""
    import pandas as pd
    from pandas.io.formats.format import format_array

    with pd.option_context("display.max_colwidth", None):
        return [s.strip() for s in format_array(col._values, None, leading_space=False)]


def _text_style(strings: list[str]) -> str:
    longest = max((len(s) for s in strings), default=0)
    if longest <= NOWRAP_CHARS and not any("\n" in s for s in strings):
        return f"{LEFT}; white-space: nowrap"
    style = f"{LEFT}; white-space: pre-wrap"
    if longest > LONG_TEXT_CHARS:
        style += f"; min-width: {LONG_TEXT_MIN_EM}em"
    return style


def frame_html(df) -> str:
    """The HTML of a DataFrame with inline per-cell alignment (see the module docstring).

    Rows beyond ``display.max_rows`` are cut as pandas' notebook repr cuts them (the first and last
    ``display.min_rows // 2``, a row of ``…`` between, and the shape under the table); columns beyond
    ``display.max_columns`` likewise.
    """
    import pandas as pd

    max_rows = pd.get_option("display.max_rows")
    max_cols = pd.get_option("display.max_columns")
    n_rows, n_cols = df.shape
    cut_rows = max_rows is not None and n_rows > max_rows
    cut_cols = max_cols is not None and max_cols > 0 and n_cols > max_cols
    shown = df
    if cut_rows:
        half = max(1, (pd.get_option("display.min_rows") or max_rows) // 2)
        shown = pd.concat([shown.iloc[:half], shown.iloc[-half:]])
    if cut_cols:
        half_c = max(1, max_cols // 2)
        shown = pd.concat([shown.iloc[:, :half_c], shown.iloc[:, -half_c:]], axis=1)

    text_cols = [is_text(shown.iloc[:, j]) for j in range(shown.shape[1])]
    strings = {}
    for j in range(shown.shape[1]):
        col = shown.iloc[:, j]
        strings[j] = [_text_cell(x) for x in col] if text_cols[j] else _column_strings(col)
    col_styles = [_text_style(strings[j]) if text_cols[j] else RIGHT for j in range(shown.shape[1])]
    # a heading is right-aligned over numbers, left over text or over a column with nothing in it (as the book reads it)
    numbers_below = [not text_cols[j] and bool(shown.iloc[:, j].notna().any()) for j in range(shown.shape[1])]
    index = shown.index
    levels = [index.get_level_values(i) for i in range(index.nlevels)]
    index_styles = [f"{LEFT}; white-space: nowrap" if is_text(lv) else RIGHT for lv in levels]

    # missing values are centred, as the book draws them (its marker in place of NaN / <NA>), in any column
    missing = {(r, j) for j in range(shown.shape[1]) for r, x in enumerate(shown.iloc[:, j]) if _is_missing(x)}
    if cut_rows:
        missing = {(r + (r >= half), j) for r, j in missing}          # the row of … sits between the halves
    if cut_cols:
        missing = {(r, j + (j >= half_c)) for r, j in missing}
    # the strings go in by position, so duplicate labels are no problem for the Styler
    body = pd.DataFrame({j: strings[j] for j in strings}, index=pd.RangeIndex(len(shown)), dtype=object)
    body.columns = shown.columns
    body.index = shown.index
    if cut_cols:                                   # a column of … where columns were left out
        body.insert(half_c, _gap_label(body.columns), "…", allow_duplicates=True)
        col_styles.insert(half_c, RIGHT)
        text_cols.insert(half_c, False)
        numbers_below.insert(half_c, False)
    if cut_rows:                                   # a row of … where rows were left out
        gap = pd.DataFrame([["…"] * body.shape[1]], columns=body.columns, index=_gap_index(body.index))
        body = pd.concat([body.iloc[:half], gap, body.iloc[half:]])
    # a missing label (a column or row of NA, as a pivot gives) is written as pandas prints it, escaped like any
    # label: the Styler would write it raw, and "<NA>" would reach the page as an HTML element
    body.columns = _labels_shown(body.columns)
    body.index = _labels_shown(body.index)
    from pandas.io.formats.style import Styler

    precision = pd.get_option("display.precision")
    styler = (Styler(body, uuid="0", cell_ids=False, escape="html", precision=precision)
              .format_index(escape="html", axis=0, precision=precision)
              .format_index(escape="html", axis=1, precision=precision)
              .set_table_attributes('class="dataframe"'))   # as pandas' own HTML: the book recognises a frame by it
    out = styler.to_html()
    out = re.sub(r'<style type="text/css">\s*</style>\s*', "", out)
    out = re.sub(r'\s?id="T_0[^"]*"', "", out)   # the table's and header cells' ids: nothing refers to them

    def cell(m: re.Match) -> str:
        tag, cls = m.group(1), m.group(2)
        j = re.search(r"\bcol(\d+)\b", cls)
        if tag == "td" and j:
            row = re.search(r"\brow(\d+)\b", cls)
            at = (int(row.group(1)) if row else -1, int(j.group(1)))
            style = MISSING if at in missing else col_styles[at[1]]
        elif "col_heading" in cls and j:
            style = RIGHT if numbers_below[int(j.group(1))] else LEFT
        elif "row_heading" in cls:
            lv = re.search(r"\blevel(\d+)\b", cls)
            style = index_styles[int(lv.group(1))] if lv else LEFT
        else:                                        # index names, blank corner cells
            style = LEFT
        return f'<{tag} class="{cls}"{m.group(3).rstrip()} style="{style}">'

    out = re.sub(r'<(td|th) class="([^"]*)"([^>]*)>', cell, out)
    if cut_rows or cut_cols:
        out += f"<p>{n_rows} rows × {n_cols} columns</p>\n"
    return out


def _gap_label(columns):
    return tuple("…" for _ in range(columns.nlevels)) if columns.nlevels > 1 else "…"


def _gap_index(index):
    import pandas as pd

    if index.nlevels > 1:
        return pd.MultiIndex.from_tuples([tuple("…" for _ in range(index.nlevels))], names=index.names)
    return pd.Index(["…"], name=index.name)


def install() -> bool:
    """Register :func:`frame_html` as the ``text/html`` formatter of DataFrames in the running IPython shell.

    Returns whether a shell was found (outside IPython nothing is done). ``text/plain`` is left to pandas.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    if shell is None:
        return False
    import pandas as pd

    # by the class itself, not by name: pandas 3 gives its public classes the module name "pandas"
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, frame_html)
    return True
