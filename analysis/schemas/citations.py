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
                    "(analysis.text.citations; extraction and resolution measured on data/curated/citation_gold.csv).",
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
}
