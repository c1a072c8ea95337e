"""Schemas of the citation table and its evaluation draw (analysis.text.citations)."""
from __future__ import annotations

import pandera.pandas as pa

from . import iso_date_check

_KINDS = ["legal_basis", "penalty_referral", "other"]
_RESOLUTIONS = ["resolved", "version not in corpus", "repealed", "not in corpus", "ambiguous"]
_CORPORA = ["national", "local", "cited", "collection"]

SCHEMAS = {
    "citations": pa.DataFrameSchema(
        {
            "corpus": pa.Column("string", pa.Check.isin(_CORPORA), description="Corpus of the citing text."),
            "doc_id": pa.Column("string", description="Citing document (doc_id of its corpus)."),
            "path": pa.Column("string", description="Clause path of the citing clause (analysis.corpus.clauses)."),
            "start": pa.Column("Int64", pa.Check.ge(0),
                               description="Offset of the reference (brackets included) in the corpus table's text."),
            "end": pa.Column("Int64", pa.Check.ge(0), description="End offset of the reference."),
            "form": pa.Column("string", pa.Check.isin(["brackets", "abbreviation"]),
                              description="brackets = a 《…》 reference; abbreviation = a bare use of an abbreviation "
                                          "the text defined with 以下简称 (a law's name, e.g. 选举法)."),
            "title_written": pa.Column("string", description="The title as written (inside the outer 《》)."),
            "title_as_read": pa.Column("string", description="The title looked up: the full title an abbreviation "
                                                             "stands for, else title_written."),
            "normalisation": pa.Column("string", nullable=True,
                                       description="Steps that applied (;-separated): prefix (中华人民共和国 dropped), "
                                                   "nested (inner 〈〉/<>/《》 dropped), width (NFKC changed the title), "
                                                   "abbreviation (以下简称), issuer:<name> (an issuer written before the "
                                                   "brackets, 国务院《…》), renamed (a pre-amendment name)."),
            "kind": pa.Column("string", pa.Check.isin(_KINDS),
                              description="Context: legal_basis (根据/依据…《…》…制定 in the first three articles or the "
                                          "preamble), penalty_referral (依照/按照/依据《…》…规定…处罚/处理/追究), other."),
            "citing_date": pa.Column("string", iso_date_check(), nullable=True,
                                     description="Date the citing text is read at: local = last_amended, else "
                                                 "adopted, else version_date, else db_publish (version_date when later); national = version "
                                                 "date, else its promulgation lines; cited = documents.csv; "
                                                 "collection = release_date."),
            "citing_date_source": pa.Column("string", nullable=True, description="Where citing_date comes from."),
            "resolution": pa.Column("string", pa.Check.isin(_RESOLUTIONS),
                                    description="resolved (cited_doc = the version in force at citing_date); version "
                                                "not in corpus (title held, the version in force at citing_date not); "
                                                "repealed (not held, a text of the corpora repeals it); not in corpus; "
                                                "ambiguous."),
            "cited_corpus": pa.Column("string", pa.Check.isin(_CORPORA), nullable=True,
                                      description="Corpus holding the cited title (national first, then local, cited, "
                                                  "collection)."),
            "cited_title": pa.Column("string", nullable=True, description="Title of the cited document in that corpus."),
            "cited_doc": pa.Column("string", nullable=True,
                                   description="doc_id of the version in force at citing_date (the civil code's eight "
                                               "parts ;-separated); empty unless resolved."),
            "cited_version_date": pa.Column("string", iso_date_check(), nullable=True,
                                            description="version_date of cited_doc (empty for undated files)."),
            "n_versions": pa.Column("Int64", pa.Check.ge(0), description="Files held with the cited title."),
            "reason": pa.Column("string", description="Why this resolution: versions held and the one in force, the "
                                                      "repealing text and date, or the amendment not held."),
        },
        name="citations",
        description="Every 《…》 reference (and bare use of a defined abbreviation) in the clauses of the national, "
                    "local, cited and collection corpora, with its context kind and the cited document and version "
                    "(analysis.text.citations; extraction and resolution measured on data/curated/citation_gold.csv). "
                    "The build also writes the network citing document → cited title as "
                    "data/processed/citations.graphml (for Gephi); notebook 09 reads both.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/citations.csv", "primary_key": ["corpus", "doc_id", "start"]},
    ),
    "citation_gold": pa.DataFrameSchema(
        {
            "cite_id": pa.Column("string", pa.Check.str_matches(r"^c\d{3}$"), unique=True,
                                 description="Reference id in reading order (c001 …)."),
            "corpus": pa.Column("string", pa.Check.isin(_CORPORA), description="citations.corpus."),
            "doc_id": pa.Column("string", description="citations.doc_id."),
            "path": pa.Column("string", description="citations.path."),
            "start": pa.Column("Int64", pa.Check.ge(0), description="citations.start."),
            "end": pa.Column("Int64", pa.Check.ge(0), description="citations.end."),
            "form": pa.Column("string", pa.Check.isin(["brackets", "abbreviation"]), description="citations.form."),
            "title_written": pa.Column("string", description="citations.title_written (the span to be judged)."),
            "clause_text": pa.Column("string", description="Full text of the citing clause."),
        },
        name="citation_gold",
        description="Seeded draw (analysis.text.citations.draw_evaluation_set, seed 20261207) of references "
                    "stratified by corpus × context kind, for labelling by data/curated/citation_labelling_guide.md; "
                    "no labels and no resolution (the labels will be made by independent labellers).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/citation_gold.csv", "primary_key": ["cite_id"]},
    ),
    "citation_labels": pa.DataFrameSchema(
        {
            "cite_id": pa.Column("string", pa.Check.str_matches(r"^c\d{3}$"), description="citation_gold.cite_id."),
            "round": pa.Column("Int64", pa.Check.isin([1, 2, 3]),
                               description="1 = every reference, one labeller per packet (assistant-c1: c001–c106, "
                                           "assistant-c2: c107–c213); 2 = a second, independent labelling of packet 1 "
                                           "(assistant-c3); 3 = the adjudicator's decision where rounds 1 and 2 "
                                           "disagreed (only the columns it decided are filled)."),
            "labeller": pa.Column("string", pa.Check.isin(["assistant-c1", "assistant-c2", "assistant-c3",
                                                           "adjudicator"]),
                                  description="Separate AI-assistant sessions (Claude) that saw only the labelling guide "
                                              "and a packet of the references (clause, citing date, candidate versions), "
                                              "never the extractor's kind or resolution; the adjudicator also saw both "
                                              "labels and notes. No person labelled."),
            "extraction_correct": pa.Column("string", pa.Check.isin(["true", "false"]), nullable=True,
                                            description="The span is one whole reference (guide section 1)."),
            "title_span": pa.Column("string", nullable=True, description="The right span when the extracted one is wrong."),
            "missed": pa.Column("Int64", pa.Check.ge(0), nullable=True,
                                description="Other references the labeller saw in the clause (the packet showed only "
                                            "the sampled one; see analysis.text.citations.evaluate_citations)."),
            "kind": pa.Column("string", pa.Check.isin(_KINDS), nullable=True, description="Context kind (section 2)."),
            "resolution": pa.Column("string", pa.Check.isin(_RESOLUTIONS), nullable=True,
                                    description="Resolution (section 3)."),
            "cited_doc": pa.Column("string", nullable=True, description="The right document when resolved."),
            "note": pa.Column("string", nullable=True, description="The labeller's reason, in its own words."),
        },
        unique=["cite_id", "round", "labeller"],
        name="citation_labels",
        description="Every label given to the gold references (data/curated/citation_labelling_guide.md, version 1).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/curated/citation_labels.csv", "primary_key": ["cite_id", "round", "labeller"],
                  "foreign_keys": {"cite_id": "citation_gold.cite_id"}},
    ),
    "citation_evaluation": pa.DataFrameSchema(
        {
            "measure": pa.Column("string", unique=True,
                                 description="extraction; kind:<kind>; resolution (overall accuracy); "
                                             "resolution:<resolution>."),
            "precision": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True, description="tp / n_predicted."),
            "precision_low": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True, description="Wilson 95 %."),
            "precision_high": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True, description="Wilson 95 %."),
            "recall": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True, description="tp / n_true."),
            "recall_low": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True, description="Wilson 95 %."),
            "recall_high": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True, description="Wilson 95 %."),
            "tp": pa.Column("Int64", pa.Check.ge(0), description="Agreeing references."),
            "n_predicted": pa.Column("Int64", pa.Check.ge(0), description="References the extractor put in the class."),
            "n_true": pa.Column("Int64", pa.Check.ge(0), description="References the labels put in the class."),
        },
        name="citation_evaluation",
        description="Extraction, context kind and resolution of the citation table scored on the 213 gold references "
                    "against their final labels (analysis.text.citations.evaluate_citations; labels by independent "
                    "AI-assistant sessions, see citation_labels). The gold draw is stratified by corpus × kind and "
                    "the rates are of the sample, not weighted to the corpus.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/citation_evaluation.csv", "primary_key": ["measure"]},
    ),
    "cites_restates": pa.DataFrameSchema(
        {
            "doc_id": pa.Column("string", description="Local regulation (local_documents.doc_id)."),
            "national_title": pa.Column("string", description="National title (versions share it)."),
            "cited_as_basis": pa.Column("boolean", description="The regulation names the title as its legal basis "
                                                               "(citations.kind legal_basis, national)."),
            "restated": pa.Column("boolean", description="The regulation has a substantive reuse pair to the title."),
            "restated_articles": pa.Column("Int64", pa.Check.ge(0), description="Local articles restating the title."),
            "restated_chars": pa.Column("Int64", pa.Check.ge(0),
                                        description="Union of their aligned local spans (characters)."),
        },
        name="cites_restates",
        description="Cites vs restates: for each local regulation, the national titles it names as its legal basis "
                    "and those it restates (substantive reuse pairs), one row per title in either set "
                    "(analysis.text.citations.cites_vs_restates).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/cites_restates.csv", "primary_key": ["doc_id", "national_title"],
                  "foreign_keys": {"doc_id": "local_documents.doc_id"}},
    ),
}
