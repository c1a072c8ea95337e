"""The methods of the text branch: clause tables → tokens → counts → analyses.

The intake (readers, text metadata, the corpora, clause segmentation, the local-regulation corpus, the report's
paragraphs) is :mod:`analysis.corpus`; the modules here import from it, never the reverse.

======================  ==========================================================================
module                  what it holds
======================  ==========================================================================
``tokens``              word segmentation: normalisation, jieba with the project dictionary, stopwords, cache
``engine``              the segmentation engine: jieba, with jieba-next's Rust route when installed and proven equal
``keywords``            TF-IDF, TextRank, keyness against a reference corpus, KWIC, word clouds
``topics``              LDA/NMF topic models, coherence, stability, intertopic maps
``networks``            term co-occurrence networks (NPMI), communities, GraphML export
``instruments``         policy-instrument coding (Rothwell–Zegveld dictionary) and its evaluation
``instrument_model``    the coded sample's labels, a supervised instrument coder, shares corrected for its errors
``reuse``               clause-level text reuse between corpora (local × national): candidates, alignment, kinds
``reuse_eval``          the reuse detector's evaluation: corpus-level precision/recall, κ, drafting edits, build step
``reuse_labelling``     labelling packets for the reuse gold set (the texts only, for independent labellers)
``citations``           《…》 references: context kind and the version in force at the citing text's date
``diffusion``           local × local reuse ordered by adoption date, common national source set apart, network
``adoption``            first adoption of digital-governance themes, curves, event-history model (statsmodels)
======================  ==========================================================================

``corpus``, ``readers``, ``metadata``, ``clauses``, ``local`` and ``corpus_stats`` are still importable from here
(``from analysis.text.corpus import load_clauses``): each re-exports the public names of its new module in
:mod:`analysis.corpus` and holds no code.

"Segment" means one thing only at this level: :func:`analysis.corpus.clauses.segment` splits a text into
clauses; word segmentation is :mod:`analysis.text.tokens`.
"""
