"""Adoption of digital rules (analysis.text.adoption): the theme mapping, first adoptions read from the texts, the
city-year rows, and the event-history model recovering a known effect on simulated data (and failing to when the
effect is not in the data)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.corpus.local import digital_regulations, local_documents
from analysis.text import adoption as A


@pytest.fixture(scope="module")
def docs():
    return local_documents()


def test_every_theme_regulation_is_curated_and_its_title_agrees(docs):
    themed = A.theme_regulations(digital_regulations(), docs)
    assert set(themed["theme"]) == set(A.THEMES)
    assert (themed["basis"] == "topic and title").all()
    # the title patterns over every local title find nothing the curated list lacks
    check = A.title_check(docs, digital_regulations())
    assert check["curated"].all() and len(check) == len(themed)
    # blockchain, AI and network security are in no theme
    assert not themed["topic"].isin(["blockchain", "artificial intelligence", "network security"]).any()


def test_first_adoptions_known_from_the_texts(docs):
    first = A.first_adoptions(A.theme_regulations(digital_regulations(), docs)).set_index(["theme", "level", "unit"])
    # 深圳经济特区数据条例: adopted 2021-06-29 by 深圳市 (its first promulgation line), a city
    assert first.at[("data", "city", "深圳市"), "adopted"] == "2021-06-29"
    # 山东省信息化促进条例 (2018 version) was first adopted on 2007-11-23
    assert first.at[("信息化", "province", "山东省"), "year"] == 2007
    assert first.at[("政务服务", "city", "济南市"), "doc_id"] == "山东/济南市12345市民服务热线条例(2018-07-27)"


def test_city_year_rows_measure_covariates_before_the_year():
    first = pd.DataFrame([dict(theme="t", level="province", unit="P", province="P", year=2018),
                          dict(theme="t", level="city", unit="a", province="P", year=2020),
                          dict(theme="t", level="city", unit="b", province="P", year=2021)])
    cities = pd.DataFrame({"city": ["a", "b", "c"], "province": ["P", "P", "P"], "first_year": [2017, 2017, 2019]})
    rows = A.event_history_rows(first, cities, national={"t": ("x", "2019-06-10")}, themes=["t"], end=2022)
    a = rows[rows["city"] == "a"].set_index("year")
    assert list(a.index) == [2017, 2018, 2019, 2020]                  # leaves the risk set after adopting
    assert a["adopt"].tolist() == [0, 0, 0, 1]
    assert a["province_adopted"].tolist() == [0, 0, 1, 1]              # the province adopted in 2018: from 2019
    assert a["national_law"].tolist() == [0, 0, 0, 1]                  # adopted 2019-06-10: in force from 2020
    b = rows[rows["city"] == "b"].set_index("year")
    assert b.at[2020, "peer_share"] == 0.0                               # a adopts in 2020: counts from 2021
    assert b.at[2021, "peer_share"] == 0.5                               # a of {a, c}
    c = rows[rows["city"] == "c"].set_index("year")
    assert list(c.index) == [2019, 2020, 2021, 2022] and c["adopt"].sum() == 0   # never adopts: censored
    assert b.at[2018, "peer_share"] == 0.0                               # c is not observed before 2019


def _fit(beta):
    first, cities = A.simulate_adoption(beta_province=beta)
    rows = A.event_history_rows(first, cities, national={}, themes=["sim"])
    return A.fit_event_history(rows, ["province_adopted", "year_c"]).set_index("term"), rows


def test_event_history_model_recovers_a_known_effect():
    est, rows = _fit(1.0)
    assert rows["adopt"].sum() > 100 and est.at["province_adopted", "n_clusters"] == 40
    lo, hi = est.at["province_adopted", "ci_low"], est.at["province_adopted", "ci_high"]
    assert lo <= 1.0 <= hi
    assert lo > 0                                                          # and the effect is told from none


def test_the_recovery_test_can_fail_without_the_effect():
    est, _ = _fit(0.0)
    lo, hi = est.at["province_adopted", "ci_low"], est.at["province_adopted", "ci_high"]
    assert not lo <= 1.0 <= hi                                             # the true 1.0 is not covered
    assert lo <= 0.0 <= hi


def test_wild_cluster_bootstrap_enumerates_the_weights_with_few_clusters():
    first, cities = A.simulate_adoption(n_provinces=4, cities_per_province=10, beta_province=0.0)
    rows = A.event_history_rows(first, cities, national={}, themes=["sim"])
    wild = A.wild_cluster_bootstrap(rows, ["province_adopted", "year_c"]).set_index("term")
    assert wild.at["province_adopted", "n_weights"] == 6 ** 4
    assert 0.05 < wild.at["province_adopted", "p_wild"] <= 1.0
    again = A.wild_cluster_bootstrap(rows, ["province_adopted", "year_c"]).set_index("term")
    assert again.at["province_adopted", "p_wild"] == wild.at["province_adopted", "p_wild"]   # no randomness
