"""The corpus table every loader of :mod:`analysis.corpus` returns: :data:`CORPUS_COLUMNS`, and how a list of
rows becomes one (:func:`_finish`: ``n_chars`` and ``sha256`` filled in, nullable dtypes).

The lowest module of the package: the named corpora (:mod:`analysis.corpus.corpora`), a user's folder
(:mod:`analysis.corpus.folders`) and the local-regulation corpus (:mod:`analysis.corpus.local`) all build their
tables here, so none of them needs another to do it (``corpora`` dispatches to ``local``; ``local`` imports only
this module).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from ..paths import ROOT

__all__ = [
    "CORPUS_COLUMNS",
]

CORPUS_COLUMNS = ["doc_id", "title", "kind", "source_file", "source_locator", "encoding",
                  "text", "n_chars", "sha256"]


def _rel(path: Path | str) -> str:
    p = Path(path)
    try:
        return p.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _finish(rows: list[dict], extra: list[str] | None = None) -> pd.DataFrame:
    cols = CORPUS_COLUMNS + (extra or [])
    df = pd.DataFrame(rows, columns=cols)
    df["n_chars"] = df["text"].str.len()
    df["sha256"] = df["text"].map(_sha)
    for c in cols:
        if c == "n_chars" or (extra and c in extra and c.startswith(("n_", "row", "policy_no",
                                                                       "page", "item_no"))):
            df[c] = df[c].astype("Int64")
        elif c in ("text",) or df[c].dtype == object:
            df[c] = df[c].astype("string")
    return df.reset_index(drop=True)


#: whitespace stripped around a title line (recover_title, load_folder)
_WS = " \t\u3000\u00a0\u200b\ufeff\r"
