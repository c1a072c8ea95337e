"""The report's own branch of the data path: the report as data, and what it is checked against.

The report's text is parsed into paragraphs, footnotes and captions at intake, by
:mod:`analysis.corpus.report_text` (``analysis.report.text`` still re-exports it).

==================  ==========================================================================
module              what it holds
==================  ==========================================================================
``indicators``      every number the report states, with page and verbatim sentence
``documents``       every document it cites, completed from the State Council metadata
``egov``            the UN E-Government Survey 2003–2024 (primary data to check the report)
``loaders``         one validated loader per table (``analysis.load_report``, ``load_indicators``, …)
``figures``         the report's Figures 1–6 and Table 1 rebuilt from data
``claims``          every checkable statement of the report, with a verdict computed from data
==================  ==========================================================================
"""
