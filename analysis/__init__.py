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

from .paths import DATA_DIR, FIGURES_DIR, ROOT  # noqa: F401
from .plotting import (  # noqa: F401
    CATEGORY_COLORS, ENGLISH, RULE_LINE_COLORS, SEED, TECH_COLORS, caption, cjk_font_path, palette,
    save_figure, setup, title,
)

__version__ = "0.1.0"

from .corpus.corpora import (  # noqa: E402,F401
    cited_texts, digest_corpus, digest_principles, load_clauses, load_corpus, national_corpus, policy_collection,
)
from .report.loaders import (  # noqa: E402,F401
    load_captions, load_documents, load_egov_survey, load_footnotes, load_indicators, load_milestones,
    load_provincial_levels, load_report,
)
