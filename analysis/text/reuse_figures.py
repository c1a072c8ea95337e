"""Figures of notebook 08 (local legislation against national law) whose drawing teaches nothing by being shown.

Drawing conventions: English beside every Chinese label; neutral tones only (the four technology colours mean the
four technologies): dark = all regulations / national law, warm grey = the digital-governance regulations
(:data:`analysis.plotting.GROUP_COLORS`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..plotting import BAND_COLORS, GROUP_COLORS, caption, title, use_cjk_font

DARK, WARM, MID, LIGHT = GROUP_COLORS
#: The data source line under every figure of notebook 08.
SOURCE = ("LawRefBook/Laws local regulations (data/raw/lawrefbook-local.tar.xz); "
          "national laws (data/raw/lawrefbook-national.tar.xz)")
PROVINCE_EN = {"山东": "Shandong", "河南": "Henan", "浙江": "Zhejiang", "上海": "Shanghai", "北京": "Beijing",
               "重庆": "Chongqing", "广东": "Guangdong"}
#: Kinds of local legislation in the order the bars stack, with English names ("(unknown)": kind not inferred).
KIND_EN = {"省级地方性法规": "provincial regulations", "设区的市法规": "city regulations",
           "经济特区法规": "special-economic-zone regulations", "浦东新区法规": "Pudong New Area regulations",
           "单行条例": "separate regulations (autonomous areas)", "自治条例": "autonomy regulations",
           "(unknown)": "kind unknown"}
#: One neutral tone per kind (white, hatched: unknown).
KIND_COLORS = (DARK, LIGHT, "#8C7B62", WARM, MID, "#505A64", "white")
#: Kinds shown in the restated-share figure (the others have fewer than ten regulations).
SHARE_KINDS = ("省级地方性法规", "设区的市法规", "经济特区法规", "单行条例")
LABEL_BOX = dict(facecolor="white", edgecolor="none", pad=0.6)  # keeps gridlines out of annotations


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} needs the columns {missing} of the newest-version table (notebook 08, section 1)")


def plot_corpus_by_kind(latest: pd.DataFrame):
    """Stacked bars: the local regulations of each province by kind (newest version of each title).

    Parameters
    ----------
    latest : DataFrame
        One row per regulation with ``province`` (a key of :data:`PROVINCE_EN`) and ``kind`` (a key of
        :data:`KIND_EN`; "(unknown)" where the kind was not inferred).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    _require(latest, ("province", "kind"), "plot_corpus_by_kind")
    unknown = sorted(set(latest["kind"]) - set(KIND_EN))
    if unknown:
        raise ValueError(f"plot_corpus_by_kind: kinds without an English name in KIND_EN: {unknown}")
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(8.6, 3.6), layout="constrained")
    order = latest["province"].value_counts().index
    kinds = list(KIND_EN)
    tab = pd.crosstab(latest["province"], latest["kind"]).reindex(index=order, columns=kinds, fill_value=0)
    y = np.arange(len(tab))
    left = np.zeros(len(tab))
    for k, c in zip(kinds, KIND_COLORS):
        ax.barh(y, tab[k], left=left, color=c, edgecolor=DARK if k == "(unknown)" else "white", lw=0.5,
                hatch="////" if k == "(unknown)" else None,
                label="未知 kind unknown" if k == "(unknown)" else f"{k} {KIND_EN[k]}")
        left += tab[k].to_numpy()
    for yi, total in zip(y, left):
        ax.text(total + 6, yi, f"{int(total):,}", va="center", fontsize=8.5, color="#555555", bbox=LABEL_BOX)
    ax.set_yticks(y, [f"{p} {PROVINCE_EN[p]}" for p in tab.index])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, 520)
    ax.set_xlabel("地方性法规件数 number of regulations (newest version of each title)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, title="制定主体 kind / issuing level",
              title_fontsize=9)
    title(ax, f"LawRefBook 地方法规: 七省市 {len(latest):,} 件, 按制定主体",
          f"{len(latest):,} local regulations of seven provinces and municipalities, by kind")
    caption(fig, SOURCE, note="Newest version of each title. Kind from the title and the issuer named in the "
            "promulgation line; hatched: kind unknown.", width=145)
    return fig


def plot_restated_share_by_group(latest: pd.DataFrame):
    """The restated share of each regulation's body: boxes by province and by kind (with the digital-governance
    regulations as a group of their own), and the median with its interquartile band by 5-year bin of first adoption.

    Parameters
    ----------
    latest : DataFrame
        One row per regulation with ``province``, ``kind``, ``digital`` (bool), ``restated_share`` (0–1) and
        ``year`` (year of first adoption, missing where unknown).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    _require(latest, ("province", "kind", "digital", "restated_share", "year"), "plot_restated_share_by_group")
    use_cjk_font()
    fig, axd = plt.subplot_mosaic([["head", "head"], ["prov", "kind"], ["year", "year"]], figsize=(9, 7.2),
                                  height_ratios=[0.01, 1, 0.95], width_ratios=[1, 1], layout="constrained")
    axd["head"].set_axis_off()
    title(axd["head"], "地方法规中与国家法律、行政法规文字相同或近似的部分",
          "Part of a local regulation's body restated from national law (boilerplate and formulae not counted)")
    box = dict(orientation="horizontal", showfliers=False, patch_artist=True, widths=0.6,
               medianprops=dict(color=DARK, lw=2), whiskerprops=dict(color=DARK), capprops=dict(color=DARK),
               boxprops=dict(facecolor="#E6E6E6", color=DARK))
    prov_order = (latest.groupby("province")["restated_share"].median()
                  .sort_values(ascending=False, kind="stable").index)
    axd["prov"].boxplot([100 * latest.loc[latest["province"] == p, "restated_share"] for p in prov_order],
                        tick_labels=[f"{p} {PROVINCE_EN[p]}" for p in prov_order], **box)
    axd["prov"].set_title("按省份 by province", fontsize=11)
    groups = [100 * latest.loc[latest["kind"] == k, "restated_share"] for k in SHARE_KINDS]
    groups.append(100 * latest.loc[latest["digital"], "restated_share"])
    n_digital = int(latest["digital"].sum())
    parts = axd["kind"].boxplot(groups, tick_labels=["省级 provincial", "设区的市 city", "经济特区 SEZ",
                                                     "单行条例 separate", f"数字治理 digital gov. ({n_digital})"], **box)
    parts["boxes"][-1].set_facecolor(WARM)
    axd["kind"].set_title("按制定主体 by kind", fontsize=11)
    for ax in (axd["prov"], axd["kind"]):
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.set_xlim(0, 52)
        ax.set_xlabel("复述比例 restated share of the body, %")
    period = (latest["year"] // 5 * 5).dropna().astype(int)
    by_p = latest.loc[period.index].groupby(period)["restated_share"]
    med = 100 * by_p.median()
    q1, q3 = 100 * by_p.quantile(0.25), 100 * by_p.quantile(0.75)
    axd["year"].fill_between(med.index, q1, q3, color=BAND_COLORS["iqr"], lw=0, label="四分位距 interquartile range")
    axd["year"].plot(med.index, med, marker="o", color=DARK, label="中位数 median")
    axd["year"].set_xticks(med.index, [f"{x}\nn={n}" for x, n in by_p.size().items()])
    axd["year"].tick_params(axis="x", labelsize=9)
    axd["year"].set_xlabel("首次通过年份 (5 年一组) year first adopted (5-year bins; n = regulations)")
    axd["year"].set_ylabel("复述比例 restated share, %")
    axd["year"].legend(fontsize=8.5, frameon=True, facecolor="white", edgecolor="none", framealpha=1)
    axd["year"].set_title("按首次通过年份 by year first adopted", fontsize=11)
    caption(fig, SOURCE, note="Newest version of each title. Boxes: quartiles and median; whiskers: 1.5 IQR; "
            "outliers not drawn. Kinds with fewer than 10 regulations (浦东新区, 自治条例) and unknown kinds "
            "left out.", width=150)
    return fig
