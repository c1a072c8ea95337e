"""Research package around CAICT's 2022 report on digital-era governance modernisation.

Start every notebook with::

    import analysis
    analysis.setup()

Clause segmentation is :func:`analysis.corpus.clauses.segment` (and ``structure``); word segmentation
(jieba, project dictionary, stopwords, token cache) is :mod:`analysis.text.tokens`.

Loaders (``load_report``, ``load_indicators``, ``load_documents``, ``load_egov_survey``, …) read the
validated tables under ``data/``; see ``data/README.md`` for every column.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .paths import DATA_DIR, FIGURES_DIR, ROOT  # noqa: F401
from .plotting import (  # noqa: F401
    CATEGORY_COLORS, ENGLISH, RULE_LINE_COLORS, SEED, TECH_COLORS, caption, cjk_font_path, palette,
    save_figure, setup, title,
)

__version__ = "0.1.0"

#: Public names imported on first use (PEP 562), not by ``import analysis``: the loaders need pandas and pandera,
#: the corpora jieba's module tree — a kernel that only draws should not pay for them (tests/benchmarks/kernel_start.md).
_LAZY = {
    **dict.fromkeys(("load_captions", "load_documents", "load_egov_survey", "load_footnotes", "load_indicators",
                     "load_milestones", "load_provincial_levels", "load_report"), "analysis.report.loaders"),
    **dict.fromkeys(("cited_texts", "digest_corpus", "digest_principles", "load_clauses", "load_corpus",
                     "national_corpus", "policy_collection"), "analysis.corpus.corpora"),
}
if TYPE_CHECKING:   # for type checkers, IDEs and the build manifest's import closure (analysis.build reads imports)
    from .report.loaders import (  # noqa: F401
        load_captions, load_documents, load_egov_survey, load_footnotes, load_indicators, load_milestones,
        load_provincial_levels, load_report,
    )
    from .corpus.corpora import (  # noqa: F401
        cited_texts, digest_corpus, digest_principles, load_clauses, load_corpus, national_corpus, policy_collection,
    )
__all__ = ["DATA_DIR", "FIGURES_DIR", "ROOT", "CATEGORY_COLORS", "ENGLISH", "RULE_LINE_COLORS", "SEED",
           "TECH_COLORS", "caption", "cjk_font_path", "palette", "save_figure", "setup", "title", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value           # later look-ups are plain attribute reads
        return value
    if not name.startswith("_"):
        try:                              # a subpackage or module not imported yet: analysis.text, analysis.tables …
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
