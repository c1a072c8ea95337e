"""The adoption of digital-governance rules by provinces and cities: first adoption, cumulative curves and a
discrete-time event-history model of a city's adoption.

**Themes** (:data:`THEMES`) come from the curated list ``data/curated/local_digital_regulations.csv`` (17
regulations, each with a ``topic`` and the reason it is included): a regulation belongs to a theme by its curated
``topic``; the theme's title pattern is checked against it (``basis``: ``topic and title`` when both agree,
``topic`` when only the topic does), and :func:`title_check` runs the patterns over every title of the local corpus
so that a regulation the curated list misses would show (on the 1,911 texts every title they find is curated). The mapping, written out:

==================  =====================================================  =========================================
theme               curated topics                                         title pattern
==================  =====================================================  =========================================
data (数据)          ``data``                                               数据条例 not preceded by 大
big data (大数据)    ``big data``                                           大数据
数字经济             ``digital economy`` (杭州市智慧经济促进条例 included)      数字经济|智慧经济
政务服务             ``e-government and government services``,              政务服务|一网通办|服务热线
                    ``service hotline`` (12345 hotlines)
信息化               ``informatisation`` (济宁市智慧城市促进条例 included)      信息化|智慧城市
==================  =====================================================  =========================================

Blockchain, artificial intelligence and network security (one regulation each) are in no theme.

**Units and dates.** A *province* adopts a theme when its provincial congress (level ``province`` in
``local_documents``: 省级地方性法规, 浦东新区法规) adopts a regulation of it; a *city* when its city congress does
(level ``city``: 设区的市法规 and 经济特区法规; ``issuer`` names the city). The date is ``adopted`` (first
promulgation line saying 通过), so a regulation later repealed or replaced still counts from its adoption; only
regulations in the corpus (newest versions of texts in force in the LawRefBook packs) are seen, so a city that
adopted and repealed a rule before the packs were made is not. A city is **observed** from the year of its earliest
adopted regulation in the corpus to 2024 (the last year of the corpus's dates).

**The event-history model** (:func:`event_history_rows`, :func:`fit_event_history`): one row per theme, city and
year from the city's first observed year to the year it adopts the theme (then it leaves the risk set) or 2024;
the outcome is adoption in that year; covariates, each measured *before* the year starts (status at the end of the
year before):

* ``province_adopted`` — the city's provincial congress has adopted a regulation of the theme;
* ``peer_share`` — the share of the *other* observed cities of the same province that have adopted it. The corpus
  has no geography below the province (no coordinates, no borders), so "neighbours" are the cities of the same
  province; no adjacency is invented;
* ``national_law`` — a national text of the theme in the national corpus had been adopted (:data:`NATIONAL`:
  数据安全法 2021-06-10 for data and big data — 山东省大数据发展促进条例 is made 根据 it; 国务院关于在线政务服务的若干规定
  2019-04-26 for 政务服务 — cited by 上海's 一网通办 decision; no national law of 数字经济 or 信息化 is in the
  corpus, so the covariate is 0 for those themes);
* ``year`` — calendar year, centred at 2010 and in decades (``year_c``).

Themes are stacked (a city's years appear once per theme) and pooled in one logit, fitted with statsmodels
(``GLM`` with a ``Binomial`` family) and **cluster-robust standard errors by province** with *t* inference on G − 1
degrees of freedom.

**What seven provinces can and cannot support.** Cities exist in four of the seven provinces only (山东, 河南, 浙江,
广东; 上海, 北京 and 重庆 are municipalities whose districts and counties do not legislate), so the city model has
**four clusters**, and **six city adoptions** in all five themes (:func:`build_adoption_tables` records the counts). That
supports a description — who adopted what, when, after which provincial or national rule — and no causal or
even well-estimated associational claim: with six events a logit with four covariates is at the edge of
separation, and cluster-robust standard errors with four clusters are known to be far too small (Cameron, Gelbach &
Miller 2008; MacKinnon & Webb 2017). The build therefore also reports a **wild cluster bootstrap** (restricted,
Webb's six-point weights, all 6^G weight vectors enumerated, so no seed) of the same covariates in a linear
probability model (:func:`wild_cluster_bootstrap`): its p-values are the ones to read with few clusters, and they
will rarely be small with six events. The simulation test (``tests/test_adoption.py``) shows the estimator recovers a
known effect when there are enough clusters and events (40 provinces × 15 cities); the corpus has neither.
"""
from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd

__all__ = ["THEMES", "NATIONAL", "END_YEAR", "COVARIATES", "theme_regulations", "title_check", "first_adoptions",
           "observed_cities", "adoption_curves", "event_history_rows", "fit_event_history",
           "wild_cluster_bootstrap", "simulate_adoption", "build_adoption_tables"]

#: theme → (curated topics, title pattern)
THEMES = {
    "data": (("data",), r"(?<!大)数据条例"),
    "big data": (("big data",), r"大数据"),
    "数字经济": (("digital economy",), r"数字经济|智慧经济"),
    "政务服务": (("e-government and government services", "service hotline"), r"政务服务|一网通办|服务热线"),
    "信息化": (("informatisation",), r"信息化|智慧城市"),
}
#: theme → (national doc_id, adoption date) of the national text whose adoption is the ``national_law`` covariate
NATIONAL = {
    "data": ("行政法/数据安全法(2021-06-10)", "2021-06-10"),
    "big data": ("行政法/数据安全法(2021-06-10)", "2021-06-10"),
    "政务服务": ("行政法规/国务院关于在线政务服务的若干规定(2019-04-26)", "2019-04-26"),
}
END_YEAR = 2024
COVARIATES = ["province_adopted", "peer_share", "national_law", "year_c"]


# --------------------------------------------------------------------------- themes and first adoptions
def theme_regulations(digital: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The curated digital-governance regulations in a theme (module docstring's mapping).

    Parameters
    ----------
    digital : DataFrame
        ``data/curated/local_digital_regulations.csv`` (``doc_id``, ``title``, ``topic``).
    documents : DataFrame
        ``local_documents`` (``doc_id``, ``province``, ``issuer``, ``level``, ``adopted``).

    Returns
    -------
    DataFrame
        ``theme``, ``doc_id``, ``title``, ``topic``, ``basis`` (``topic and title`` / ``topic``), ``province``,
        ``issuer``, ``level``, ``adopted``; sorted by theme (:data:`THEMES` order), adopted, doc_id.
    """
    meta = documents.set_index("doc_id")
    rows = []
    for i, (theme, (topics, pattern)) in enumerate(THEMES.items()):
        for r in digital[digital["topic"].isin(topics)].itertuples(index=False):
            m = meta.loc[r.doc_id]
            rows.append(dict(_t=i, theme=theme, doc_id=r.doc_id, title=r.title, topic=r.topic,
                             basis="topic and title" if re.search(pattern, str(r.title)) else "topic",
                             province=m["province"], issuer=m["issuer"], level=m["level"], adopted=m["adopted"]))
    out = pd.DataFrame(rows).sort_values(["_t", "adopted", "doc_id"], kind="stable").drop(columns="_t")
    return out.astype("string").reset_index(drop=True)


def title_check(documents: pd.DataFrame, digital: pd.DataFrame) -> pd.DataFrame:
    """Every local title the theme patterns find, and whether the curated list has it: ``theme``, ``doc_id``,
    ``title``, ``curated`` (boolean). A title found but not curated is a candidate the list may miss."""
    cur = set(digital["doc_id"])
    rows = []
    for theme, (_, pattern) in THEMES.items():
        hit = documents[documents["title"].astype(str).str.contains(pattern, regex=True)]
        for d, t in zip(hit["doc_id"], hit["title"]):
            rows.append(dict(theme=theme, doc_id=d, title=t, curated=d in cur))
    out = pd.DataFrame(rows, columns=["theme", "doc_id", "title", "curated"])
    return out.sort_values(["theme", "doc_id"], kind="stable", ignore_index=True)


def first_adoptions(themed: pd.DataFrame) -> pd.DataFrame:
    """First adoption of each theme by each province (provincial congress) and city (city congress).

    Returns
    -------
    DataFrame
        ``theme``, ``level`` (province / city), ``unit`` (the adopting place, e.g. 山东省, 济南市), ``province``,
        ``doc_id`` (the first regulation), ``adopted``, ``year``; sorted by theme, adopted, unit.
    """
    t = themed[themed["level"].isin(["province", "city"]) & themed["adopted"].notna()].copy()
    t = t.sort_values(["theme", "level", "issuer", "adopted", "doc_id"], kind="stable")
    first = t.drop_duplicates(["theme", "level", "issuer"], keep="first")
    out = pd.DataFrame({"theme": first["theme"].to_numpy(), "level": first["level"].to_numpy(),
                        "unit": first["issuer"].to_numpy(), "province": first["province"].to_numpy(),
                        "doc_id": first["doc_id"].to_numpy(), "adopted": first["adopted"].to_numpy()})
    out["year"] = pd.array(out["adopted"].str[:4].astype(int), dtype="Int64")
    order = {t: i for i, t in enumerate(THEMES)}
    out["_t"] = out["theme"].map(order)
    out = out.sort_values(["_t", "adopted", "unit"], kind="stable").drop(columns="_t").reset_index(drop=True)
    for c in ("theme", "level", "unit", "province", "doc_id", "adopted"):
        out[c] = out[c].astype("string")
    return out


def observed_cities(documents: pd.DataFrame) -> pd.DataFrame:
    """The cities of the corpus (issuers of level ``city``) and the year each is first observed (its earliest
    ``adopted`` in the corpus; cities with no dated regulation are left out): ``city``, ``province``,
    ``first_year``, ``n_regulations``."""
    c = documents[(documents["level"] == "city") & documents["issuer"].notna()]
    year = pd.to_numeric(c["adopted"].str[:4], errors="coerce")
    g = pd.DataFrame({"city": c["issuer"].to_numpy(), "province": c["province"].to_numpy(), "year": year.to_numpy()})
    out = g.groupby(["city", "province"], sort=True).agg(first_year=("year", "min"), n_regulations=("year", "size"))
    out = out.dropna(subset=["first_year"]).reset_index()
    out["first_year"] = out["first_year"].astype("int64").astype("Int64")
    out["n_regulations"] = out["n_regulations"].astype("Int64")
    for c in ("city", "province"):
        out[c] = out[c].astype("string")
    return out


def adoption_curves(first: pd.DataFrame, cities: pd.DataFrame, provinces: list[str], *, start: int = 2000,
                    end: int = END_YEAR) -> pd.DataFrame:
    """Cumulative adoption by year: ``theme``, ``level``, ``year``, ``adopters`` (units that have adopted by the end
    of the year), ``units`` (provinces: all of ``provinces``; cities: those observed by then), ``share``."""
    rows = []
    for theme in THEMES:
        f = first[first["theme"] == theme]
        for level in ("province", "city"):
            years = f.loc[f["level"] == level, "year"].astype(int).to_numpy()
            for y in range(start, end + 1):
                n_units = len(provinces) if level == "province" else int((cities["first_year"] <= y).sum())
                k = int((years <= y).sum())
                rows.append(dict(theme=theme, level=level, year=y, adopters=k, units=n_units,
                                 share=k / n_units if n_units else np.nan))
    out = pd.DataFrame(rows)
    for c in ("year", "adopters", "units"):
        out[c] = out[c].astype("Int64")
    out["share"] = out["share"].astype("Float64").round(4)
    for c in ("theme", "level"):
        out[c] = out[c].astype("string")
    return out


# --------------------------------------------------------------------------- the event-history model
def event_history_rows(first: pd.DataFrame, cities: pd.DataFrame, *, national: dict | None = None,
                       themes=None, end: int = END_YEAR) -> pd.DataFrame:
    """City-year rows of the discrete-time event-history model (module docstring).

    Parameters
    ----------
    first : DataFrame
        :func:`first_adoptions` (``theme``, ``level``, ``unit``, ``province``, ``year``).
    cities : DataFrame
        :func:`observed_cities` (``city``, ``province``, ``first_year``).
    national : dict, optional
        Theme → (doc id, ISO date) of its national text (default :data:`NATIONAL`).
    themes : iterable, optional
        Themes (default :data:`THEMES`).
    end : int
        Last year observed.

    Returns
    -------
    DataFrame
        ``theme``, ``city``, ``province``, ``year``, ``adopt`` (0/1), ``province_adopted`` (0/1), ``peer_share``,
        ``national_law`` (0/1), ``year_c`` ((year − 2010) / 10); sorted by theme, city, year.
    """
    national = NATIONAL if national is None else national
    themes = list(THEMES) if themes is None else list(themes)
    rows = []
    cy = cities[["city", "province", "first_year"]].astype({"first_year": "int64"})
    for theme in themes:
        f = first[first["theme"] == theme]
        prov_year = f[f["level"] == "province"].groupby("province")["year"].min().astype(int).to_dict()
        city_year = f[f["level"] == "city"].groupby("unit")["year"].min().astype(int).to_dict()
        nat = national.get(theme)
        nat_year = int(nat[1][:4]) if nat else None
        for prov, grp in cy.groupby("province", sort=True):
            members = list(zip(grp["city"], grp["first_year"]))
            for city, y0 in members:
                stop = min(city_year.get(city, end), end)
                for y in range(int(y0), stop + 1):
                    others = [c for c, f0 in members if c != city and f0 <= y]
                    done = [c for c in others if city_year.get(c, 10 ** 6) < y]
                    rows.append((theme, city, prov, y, int(city_year.get(city) == y),
                                 int(prov_year.get(prov, 10 ** 6) < y), len(done) / len(others) if others else 0.0,
                                 int(nat_year is not None and nat_year < y), (y - 2010) / 10))
    out = pd.DataFrame(rows, columns=["theme", "city", "province", "year", "adopt"] + COVARIATES)
    return out.sort_values(["theme", "city", "year"], kind="stable", ignore_index=True)


def _design(rows: pd.DataFrame, covariates: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    x = rows[covariates].astype(float).to_numpy()
    keep = [c for j, c in enumerate(covariates) if np.ptp(x[:, j]) > 0]    # a constant covariate is not estimable
    x = rows[keep].astype(float).to_numpy()
    return np.column_stack([np.ones(len(rows)), x]), rows["adopt"].astype(float).to_numpy(), ["const"] + keep


def fit_event_history(rows: pd.DataFrame, covariates: list[str] | None = None, *, cluster: str = "province",
                      confidence: float = 0.95) -> pd.DataFrame:
    """Logit of adoption on the covariates: statsmodels ``GLM`` (``Binomial``, logit link) with cluster-robust
    standard errors by ``cluster`` and *t* inference on G − 1 degrees of freedom (statsmodels' ``use_t``).

    A covariate constant over ``rows`` is dropped (not estimable). Returns one row per term: ``term``, ``coef``,
    ``se``, ``t``, ``p``, ``ci_low``, ``ci_high`` (``confidence`` interval), ``n_rows``, ``n_events``,
    ``n_clusters``, ``converged``. Nothing is hidden when the fit is poor: with few events the coefficients can be
    huge and the intervals meaningless — read ``n_events`` and ``n_clusters``.
    """
    import statsmodels.api as sm

    covariates = COVARIATES if covariates is None else covariates
    x, y, names = _design(rows, covariates)
    groups = pd.factorize(rows[cluster], sort=True)[0]
    model = sm.GLM(y, x, family=sm.families.Binomial())
    res = model.fit(cov_type="cluster", cov_kwds={"groups": groups, "df_correction": True}, use_t=True)
    ci = np.asarray(res.conf_int(alpha=1 - confidence))
    out = pd.DataFrame({"term": names, "coef": np.asarray(res.params), "se": np.asarray(res.bse),
                        "t": np.asarray(res.tvalues), "p": np.asarray(res.pvalues),
                        "ci_low": ci[:, 0], "ci_high": ci[:, 1]})
    out["n_rows"] = len(rows)
    out["n_events"] = int(y.sum())
    out["n_clusters"] = int(groups.max()) + 1 if len(groups) else 0
    out["converged"] = bool(res.converged)
    return out


_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def wild_cluster_bootstrap(rows: pd.DataFrame, covariates: list[str] | None = None, *, cluster: str = "province",
                           max_enumerate: int = 50_000, draws: int = 9_999, seed: int = 20261207) -> pd.DataFrame:
    """Wild cluster restricted bootstrap (WCR) p-values of a linear probability model, for few clusters.

    For each covariate: OLS of ``adopt`` on the covariates; the model re-estimated under the null (the covariate's
    coefficient 0); bootstrap outcomes = restricted fit + restricted residuals × a weight per cluster (Webb's
    six-point distribution); the p-value is the share of bootstrap |t| (cluster-robust, CR1) at least the observed
    |t|. With G clusters all 6^G weight vectors are enumerated when 6^G ≤ ``max_enumerate`` (4 clusters: 1,296;
    no randomness), else ``draws`` are drawn with ``numpy.random.default_rng(seed)``.

    Returns
    -------
    DataFrame
        ``term``, ``coef`` (LPM), ``se`` (CR1), ``t``, ``p_wild`` (WCR bootstrap), ``n_weights``, ``n_clusters``.
    """
    covariates = COVARIATES if covariates is None else covariates
    x, y, names = _design(rows, covariates)
    g = pd.factorize(rows[cluster], sort=True)[0]
    n_g = int(g.max()) + 1
    if 6 ** n_g <= max_enumerate:
        w = np.array(list(itertools.product(range(6), repeat=n_g)))
        weights = _WEBB[w]
    else:
        weights = _WEBB[np.random.default_rng(seed).integers(6, size=(draws, n_g))]

    def ols_t(xm, ym, j):
        xtx_inv = np.linalg.pinv(xm.T @ xm)
        beta = xtx_inv @ xm.T @ ym
        e = ym - xm @ beta
        n, k = xm.shape
        meat = np.zeros((k, k))
        for c in range(n_g):
            s = xm[g == c].T @ e[g == c]
            meat += np.outer(s, s)
        adj = n_g / (n_g - 1) * (n - 1) / (n - k) if n_g > 1 else 1.0
        v = adj * xtx_inv @ meat @ xtx_inv
        return beta, np.sqrt(max(v[j, j], 0.0))

    rows_out = []
    for j, name in enumerate(names):
        beta, se = ols_t(x, y, j)
        t_obs = beta[j] / se if se > 0 else np.nan
        if name == "const" or not np.isfinite(t_obs):
            rows_out.append(dict(term=name, coef=beta[j], se=se, t=t_obs, p_wild=np.nan, n_weights=len(weights),
                                 n_clusters=n_g))
            continue
        xr = np.delete(x, j, axis=1)
        br = np.linalg.pinv(xr.T @ xr) @ xr.T @ y
        fit_r, e_r = xr @ br, y - xr @ br
        ts = np.empty(len(weights))
        for b, wv in enumerate(weights):
            yb = fit_r + e_r * wv[g]
            bb, sb = ols_t(x, yb, j)
            ts[b] = bb[j] / sb if sb > 0 else 0.0
        rows_out.append(dict(term=name, coef=beta[j], se=se, t=t_obs, p_wild=float(np.mean(np.abs(ts) >= abs(t_obs))),
                             n_weights=len(weights), n_clusters=n_g))
    return pd.DataFrame(rows_out)


# --------------------------------------------------------------------------- simulation
def simulate_adoption(*, n_provinces: int = 40, cities_per_province: int = 15, start: int = 1995,
                      end: int = END_YEAR, intercept: float = -3.5, beta_province: float = 1.0,
                      beta_peer: float = 0.0, seed: int = 20261207) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulated adoption of one theme with a known effect, for testing :func:`fit_event_history`.

    Each province's congress adopts in a year drawn uniformly from ``start``–``end + 10`` (after ``end``: never
    seen); each city is observed from a year drawn from ``start``–``start + 10``; each year a city at risk adopts
    with probability ``logistic(intercept + beta_province × province_adopted + beta_peer × peer_share)``, both
    covariates measured before the year, as :func:`event_history_rows` measures them. Seeded
    (``numpy.random.default_rng(seed)``).

    Returns
    -------
    (first, cities)
        In the shapes of :func:`first_adoptions` (theme ``sim``) and :func:`observed_cities`, ready for
        :func:`event_history_rows` with ``national={}`` and ``themes=["sim"]``.
    """
    rng = np.random.default_rng(seed)
    provs = [f"p{i:02d}" for i in range(n_provinces)]
    prov_year = {p: int(y) for p, y in zip(provs, rng.integers(start, end + 11, size=n_provinces))}
    cities = []
    for p in provs:
        for k in range(cities_per_province):
            cities.append(dict(city=f"{p}c{k:02d}", province=p, first_year=int(rng.integers(start, start + 11))))
    adopted: dict[str, int] = {}
    for y in range(start, end + 1):
        new = {}
        for c in cities:
            if c["city"] in adopted or c["first_year"] > y:
                continue
            others = [o for o in cities if o["province"] == c["province"] and o["city"] != c["city"]
                      and o["first_year"] <= y]
            peer = sum(adopted.get(o["city"], 10 ** 6) < y for o in others) / len(others) if others else 0.0
            eta = intercept + beta_province * (prov_year[c["province"]] < y) + beta_peer * peer
            if rng.random() < 1 / (1 + np.exp(-eta)):
                new[c["city"]] = y
        adopted.update(new)
    first = [dict(theme="sim", level="province", unit=p, province=p, year=y) for p, y in prov_year.items() if y <= end]
    first += [dict(theme="sim", level="city", unit=c["city"], province=c["province"], year=adopted[c["city"]])
              for c in cities if c["city"] in adopted]
    return pd.DataFrame(first), pd.DataFrame(cities)


# --------------------------------------------------------------------------- build
def build_adoption_tables(documents: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The adoption tables for ``data/processed`` (``python -m analysis build``, step ``adoption``).

    Returns
    -------
    dict
        ``adoption_regulations`` (:func:`theme_regulations`), ``adoption_first`` (:func:`first_adoptions`),
        ``adoption_curves`` (:func:`adoption_curves`) and ``adoption_model`` (the pooled logit of
        :func:`fit_event_history` and the LPM of :func:`wild_cluster_bootstrap` on :func:`event_history_rows`, one
        row per model and term).
    """
    from ..corpus.local import PROVINCES, digital_regulations, local_documents

    docs = local_documents() if documents is None else documents
    themed = theme_regulations(digital_regulations(), docs)
    first = first_adoptions(themed)
    cities = observed_cities(docs)
    curves = adoption_curves(first, cities, list(PROVINCES))
    rows = event_history_rows(first, cities)
    logit = fit_event_history(rows)
    wild = wild_cluster_bootstrap(rows)
    model = pd.concat([
        logit.assign(model="logit, cluster-robust (province)", p_wild=np.nan, n_weights=pd.NA),
        wild.assign(model="linear probability, wild cluster bootstrap", ci_low=np.nan, ci_high=np.nan,
                    n_rows=len(rows), n_events=int(rows["adopt"].sum()), converged=True),
    ], ignore_index=True)
    model = model[["model", "term", "coef", "se", "t", "p", "ci_low", "ci_high", "p_wild", "n_weights", "n_rows",
                   "n_events", "n_clusters", "converged"]]
    for c in ("coef", "se", "t", "p", "ci_low", "ci_high", "p_wild"):
        model[c] = model[c].astype("Float64").round(6)
    for c in ("n_weights", "n_rows", "n_events", "n_clusters"):
        model[c] = model[c].astype("Int64")
    model["converged"] = model["converged"].astype("boolean")
    for c in ("model", "term"):
        model[c] = model[c].astype("string")
    return {"adoption_regulations": themed, "adoption_first": first, "adoption_curves": curves,
            "adoption_model": model}
