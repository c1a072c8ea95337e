"""The text branch of the data path: raw files → corpora → clauses → tokens → counts → analyses.

==================  ==========================================================================
module              what it holds
==================  ==========================================================================
``readers``         a user's files → text: .txt/.md, .docx, .pdf, saved .html; unsupported files named
``metadata``        title, 文号, issuing body and dates read from a policy text
``corpus``          the policy corpora (cited, digest, collection, national) and a user's own folder
``clauses``         clause segmentation (章/节/条/款/项, 一、/（一）, sentences) with exact offsets
``tokens``          word segmentation: normalisation, jieba with the project dictionary, stopwords, cache
``engine``          the segmentation engine: jieba, with jieba-next's Rust route when installed and proven equal
``keywords``        TF-IDF, TextRank, keyness against a reference corpus, KWIC, word clouds
``topics``          LDA/NMF topic models, coherence, stability, intertopic maps
``networks``        term co-occurrence networks (NPMI), communities, GraphML export
``instruments``     policy-instrument coding (Rothwell–Zegveld dictionary) and its evaluation
``corpus_stats``    corpus summaries and the timing of technology rules in State Council titles
``local``           the local-regulation corpus (7 provinces) and what is inferred about each text
``reuse``           clause-level text reuse between corpora (local × national): candidates, alignment
==================  ==========================================================================

"Segment" means one thing only at this level: :func:`analysis.text.clauses.segment` splits a text into
clauses; word segmentation is :mod:`analysis.text.tokens`.
"""
