"""Schemas of the tables of the supervised instrument coder and the corrected shares (issue 21,
``analysis.text.instrument_model.build_instrument_model_tables``)."""
import pandera.pandas as pa

from .instruments import _SUBTYPES, _TYPES

_LABELS = _TYPES + _SUBTYPES
_WHO = ("reference labels: the adjudicator's round-2 codes on the 22 double-coded units where assistant-A and "
        "assistant-B disagreed, assistant-A's round-1 codes on the other 1,178 (all AI-assistant sessions that saw "
        "only the coding guide v2 and their units; no person coded them)")
_P = pa.Check.in_range(0, 1)


def _prop(description: str) -> pa.Column:
    return pa.Column("Float64", _P, nullable=True, description=description)


def _count(description: str) -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(0), nullable=True, description=description)


SCHEMAS = {
    "instrument_model_cv": pa.DataFrameSchema(
        {
            "model": pa.Column("string", description="Candidate model (analysis.text.instrument_model.MODEL_GRID): liblinear logistic regression at C, with or without balanced class weights, or a linear SVM with sigmoid calibration."),
            "level": pa.Column("string", pa.Check.isin(["type", "subtype"]), description="Type or subtype."),
            "instrument": pa.Column("string", pa.Check.isin(_LABELS), description="The label."),
            "n": _count("Training units cross-validated."),
            "support": _count("Of them, units the coder gave the label."),
            "tp": _count("Out-of-fold true positives (probability >= 0.5)."),
            "fp": _count("Out-of-fold false positives."),
            "fn": _count("Out-of-fold false negatives."),
            "precision": _prop("tp / (tp + fp)."),
            "recall": _prop("tp / (tp + fn)."),
            "f1": _prop("Harmonic mean of precision and recall."),
            "chosen": pa.Column("boolean", description="The model chosen (highest mean F1 over the three types)."),
        },
        name="instrument_model_cv",
        description="Model choice for the supervised instrument coder: 5-fold stratified cross-validation (strata corpus × set of types, seed 20261207) on the training part (900 units) of the stratified coding sample only; every candidate on the three types, the chosen one also on the subtypes with >= 15 positives; " + _WHO + ".",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/instrument_model_cv.csv", "primary_key": ["model", "instrument"]},
    ),
    "instrument_model_eval": pa.DataFrameSchema(
        {
            "evaluation_set": pa.Column("string", pa.Check.isin(["test", "heldout"]), description="test: the 300 test units of the stratified coding sample (75 per corpus, seeded, frozen before the model choice, evaluated once), reference = the reference labels (adjudicated where adjudicated, else assistant-A); heldout: the 160 units of instrument_heldout.csv (extended collection), reference = coder 1 of that set — units the coding sample excluded, so never in the training part."),
            "coder": pa.Column("string", pa.Check.isin(["supervised", "dictionary"]), description="The supervised coder (chosen model, trained on the training part) or the keyword dictionary."),
            "level": pa.Column("string", pa.Check.isin(["type", "subtype"]), description="Type or subtype."),
            "instrument": pa.Column("string", pa.Check.isin(_LABELS), description="The label."),
            "status": pa.Column("string", pa.Check.isin(["learned", "too few to learn", "dictionary"]), description="learned: a classifier was fitted; too few to learn: fewer than 15 positive (or negative) training units, no classifier; dictionary: the dictionary's codes."),
            "n_test": _count("Units of the evaluation set."),
            "train_support": _count("Training units the coder gave the label."),
            "support": _count("Units of the evaluation set the reference coder gave the label."),
            "predicted": _count("Units the coder under evaluation gave the label."),
            "tp": _count("True positives."), "fp": _count("False positives."), "fn": _count("False negatives."),
            "precision": _prop("tp / predicted."),
            "precision_low": _prop("Wilson 95 % lower bound."), "precision_high": _prop("Wilson 95 % upper bound."),
            "recall": _prop("tp / support."),
            "recall_low": _prop("Wilson 95 % lower bound."), "recall_high": _prop("Wilson 95 % upper bound."),
            "f1": _prop("Harmonic mean of precision and recall (NaN when predicted or support is 0)."),
            "f1_low": _prop("2.5 % percentile of F1 over 1,000 bootstrap resamples of the evaluation set's units."),
            "f1_high": _prop("97.5 % percentile."),
        },
        name="instrument_model_eval",
        description="Precision, recall and F1 per type and subtype of the supervised instrument coder (trained on the 900 training units) and of the keyword dictionary on the same units: the 300 test units of the stratified coding sample (" + _WHO + " as the reference) and the 160 units of the earlier held-out set (coder 1, an AI assistant following the guide, as the reference).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/instrument_model_eval.csv", "primary_key": ["evaluation_set", "coder", "instrument"]},
    ),
    "instrument_model_calibration": pa.DataFrameSchema(
        {
            "instrument": pa.Column("string", pa.Check.isin(_TYPES), description="Instrument type."),
            "bin": pa.Column("Int64", pa.Check.ge(1), description="Quantile bin of the predicted probability (5 bins)."),
            "n": _count("Test units in the bin."),
            "mean_predicted": _prop("Mean predicted probability in the bin."),
            "observed": _prop("Share of the bin's units the reference labels give the type."),
        },
        name="instrument_model_calibration",
        description="Reliability curve of the supervised coder's type probabilities on the 300 test units (sklearn.calibration.calibration_curve, quantile bins); " + _WHO + ".",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/instrument_model_calibration.csv", "primary_key": ["instrument", "bin"]},
    ),
    "instrument_coding_agreement": pa.DataFrameSchema(
        {
            "level": pa.Column("string", pa.Check.isin(["type", "subtype", "overall"]), description="Type, subtype, or the exact-match row."),
            "instrument": pa.Column("string", description="The label, or 'exact match'."),
            "n_clauses": _count("Units both coders coded (300)."),
            "n_coder1": _count("Units assistant-A gave the label."),
            "n_coder2": _count("Units assistant-B gave the label."),
            "n_both": _count("Units both gave it."),
            "agreement": _prop("Share of units on which the two agree (exact match: identical subtype sets)."),
            "kappa": pa.Column("Float64", pa.Check.in_range(-1, 1), nullable=True, description="Cohen's kappa (sklearn.metrics.cohen_kappa_score); NaN when neither coder used the label."),
        },
        name="instrument_coding_agreement",
        description="Agreement between the two independent round-1 codings of the 300 double-coded units of the stratified coding sample (assistant-A vs assistant-B, AI-assistant sessions that saw only the guide and their packet; analysis.text.instruments.coder_agreement).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/instrument_coding_agreement.csv", "primary_key": ["instrument"]},
    ),
    "instrument_shares_corrected": pa.DataFrameSchema(
        {
            "corpus": pa.Column("string", pa.Check.isin(["cited", "collection", "national", "local"]), description="Corpus."),
            "instrument": pa.Column("string", pa.Check.isin(_TYPES), description="Instrument type."),
            "method": pa.Column("string", pa.Check.isin(["coded", "coded weighted", "CC", "PCC", "ACC", "PACC", "ACC pooled", "PACC pooled"]), description="coded: share of the corpus's 300 coded units the reference labels give the type (Wilson interval); coded weighted: the same with each unit weighted by its document's population units ÷ its document's coded units, undoing the sample's cap per document (bootstrap interval); CC: naive classify-and-count of the supervised coder; PCC: mean probability; ACC / PACC: adjusted with the tpr / fpr of the corpus's own coded units (out-of-fold); ACC pooled / PACC pooled: adjusted with the rates of all 1,200 coded units."),
            "estimate": _prop("Share of units that deploy at least one instrument of the type."),
            "low": _prop("2.5 % bootstrap percentile (1,000 replicates resampling the coded units for tpr / fpr and the target units for the raw share; Wilson for coded)."),
            "high": _prop("97.5 % percentile."),
            "n_units": _count("Target units the share is computed on (coded units for method coded)."),
            "n_rates": _count("Coded units the tpr / fpr come from (ACC and PACC methods)."),
            "tpr": _prop("True-positive rate of the correction (for PACC: mean probability among positives)."),
            "fpr": _prop("False-positive rate of the correction (for PACC: mean probability among negatives)."),
        },
        name="instrument_shares_corrected",
        description="Instrument-type shares by corpus, naive and corrected for the supervised coder's errors (adjusted classify-and-count, Forman 2008): the coder trained on all 1,200 coded units (" + _WHO + "), applied to a seeded sample of up to 3,000 units per corpus not in the coded set (analysis.text.instrument_model.corrected_shares).",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/instrument_shares_corrected.csv", "primary_key": ["corpus", "instrument", "method"]},
    ),
    "instrument_shares_by_group": pa.DataFrameSchema(
        {
            "corpus": pa.Column("string", pa.Check.isin(["cited", "collection", "national", "local"]), description="Corpus."),
            "grouping": pa.Column("string", pa.Check.isin(["corpus", "rule_line", "category", "period", "year"]), description="corpus: the whole corpus; rule_line / category: the cited texts by the report's rule line (共性规则, 技术规则) and category (load_documents; cited full texts exist for 运营管理, 数据治理, 安全管理, 数字鸿沟, 互联网, 人工智能); period: the collection by release period; year: the collection's reliable release year, the national and local corpora's version_date year."),
            "group": pa.Column("string", description="The group (all for grouping corpus)."),
            "level": pa.Column("string", pa.Check.isin(["type", "subtype"]), description="Type or subtype."),
            "instrument": pa.Column("string", pa.Check.isin(_LABELS), description="The label: the three types and the subtypes the coder learned (>= 15 coded positives)."),
            "method": pa.Column("string", pa.Check.isin(["coded", "coded weighted", "CC", "PCC", "ACC", "PACC", "ACC group", "PACC group"]), description="coded: share of the group's coded units the reference labels give the label (Wilson interval); coded weighted: the same with each coded unit weighted by its document's population units ÷ its document's coded units, undoing the sample's cap per document (bootstrap interval); CC: naive classify-and-count of the supervised coder on the group's sampled units; PCC: naive mean probability; ACC / PACC: corrected with the tpr / fpr of the corpus's own coded units (out-of-fold), each unit weighted as in coded weighted so that the rates are the population's; ACC group / PACC group: the same with the rates of the group's own coded units."),
            "estimate": _prop("Share of units that deploy the label (for a type: at least one of its subtypes); empty where missing_reason says why."),
            "low": _prop("2.5 % percentile of 1,000 bootstrap replicates resampling the coded units (rates) and the group's sampled units (raw share); Wilson for coded."),
            "high": _prop("97.5 % percentile."),
            "n_units": _count("Sampled units of the group (coded units of the group for method coded)."),
            "n_rates_pos": _count("Coded positives the tpr comes from (ACC / PACC methods)."),
            "n_rates_neg": _count("Coded negatives the fpr comes from."),
            "tpr": _prop("True-positive rate of the correction (for PACC: mean probability among positives)."),
            "fpr": _prop("False-positive rate of the correction (for PACC: mean probability among negatives)."),
            "clipped": pa.Column("boolean", description="An ACC / PACC estimate at exactly 0 or 1: the raw share lies outside [fpr, tpr], so the rates do not fit the group's units."),
            "missing_reason": pa.Column("string", nullable=True, description="Why the estimate is missing: fewer than 30 sampled units in the group; error rates resting on fewer than 10 coded positives or negatives; tpr <= fpr; no coded unit in the group. Empty where there is an estimate."),
        },
        name="instrument_shares_by_group",
        description="Instrument shares by corpus, rule line, category, period and year, naive beside corrected for the supervised coder's errors (analysis.text.instrument_model.shares_by_group): the coder trained on all 1,200 coded units (" + _WHO + "), applied to the seeded sample of up to 3,000 units per corpus of instrument_shares_corrected; corrections use each corpus's own error rates (rates pooled over corpora give shares of 0 or 1, notebook 06, 2.5). Cells with too few units are empty, with the reason.",
        strict=True, ordered=True, coerce=True,
        metadata={"path": "data/processed/instrument_shares_by_group.csv", "primary_key": ["corpus", "grouping", "group", "instrument", "method"]},
    ),
}
