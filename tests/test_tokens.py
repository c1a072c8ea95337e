"""Tests of analysis.text.tokens: normalisation, user dictionary, stopwords, tokenisation and the token cache."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import jieba
import pandas as pd
import pytest

from analysis.paths import REPORT_TXT, ROOT
from analysis.schemas.lexicon import SCHEMAS
from analysis.text.tokens import normalize, stopwords, tokenize, tokenize_series

from analysis.text import tokens


# ------------------------------------------------------------------ normalisation
def test_fullwidth_ascii_and_plus_become_halfwidth():
    assert normalize("互联网＋政务服务") == "互联网+政务服务"
    assert normalize("５Ｇ网络与ＡＩ，ｉ深圳") == "5G网络与AI，i深圳"
    assert normalize("增长５０％") == "增长50%"


def test_cjk_punctuation_is_not_nfkc_folded():
    s = "第一条　为了规范数据处理活动（以下简称“数据”）：保障安全；促进利用！是否？"
    out = normalize(s)
    for ch in "（）“”：；！？，。":
        assert out.count(ch) == s.count(ch)
    assert "　" not in out          # the ideographic space after 第一条 is layout, removed


def test_pdf_line_breaks_and_spaces_between_cjk_removed_on_real_report_lines():
    lines = REPORT_TXT.read_text(encoding="utf-8").split("\n")
    assert lines[105] == "在上世纪 70年代后期到 80年代初，我国启动政府领域的信息化"   # raw line 106
    assert normalize(lines[105]) == "在上世纪70年代后期到80年代初，我国启动政府领域的信息化"
    # raw lines 106-108: a word ('信息化建设') broken across a blank line
    joined = normalize("\n".join(lines[105:108]))
    assert "信息化建设" in joined and "\n" not in joined and " " not in joined


def test_ascii_words_keep_one_space_and_quotes_are_unified():
    assert normalize("Hello \n  World") == "Hello World"
    assert normalize("「一网通办」与『最多跑一次』") == "“一网通办”与“最多跑一次”"
    assert normalize('推动"互联网+"与"大数据+"') == "推动“互联网+”与“大数据+”"
    assert normalize("‘上链’") == "‘上链’"


def test_numbers_rule():
    assert normalize("投资1,250,000元，占2.5%") == "投资1250000元，占2.5%"
    assert normalize("2021年6月10日") == "2021年6月10日"
    toks = tokenize("2021年6月10日通过，依照本法第二十一条的规定处理3次", stop=None)
    assert "2021" not in toks and "年" not in toks and "第二十一条" not in toks and "3" not in toks
    toks_num = tokenize("2021年6月10日通过", stop=None, numbers=True)
    assert toks_num[:2] == ["2021", "年"]


def test_normalize_is_idempotent_and_handles_missing():
    s = "数\n\n字政府 “一网通办”  ＡＩ  Data"
    assert normalize(normalize(s)) == normalize(s)
    assert normalize(None) == "" and normalize(float("nan")) == ""
    with pytest.raises(TypeError):
        normalize(12)


# ------------------------------------------------------------------ user dictionary
REQUIRED = ["一网通办", "互联网+政务服务", "放管服", "数字政府", "政务数据", "城市大脑", "健康码", "最多跑一次",
            "电子证照", "数据共享", "一网统管", "互联网+监管", "关键信息基础设施", "个人信息处理者"]


def test_userdict_is_valid_large_and_has_core_terms():
    df = tokens.load_userdict()
    SCHEMAS["userdict"].validate(df, lazy=True)
    assert len(df) >= 300
    assert set(REQUIRED) <= set(df["term"])
    assert df["source"].str.startswith("report").sum() >= 200   # most terms attested in the report itself


def test_every_userdict_term_is_one_token():
    terms = tokens.load_userdict()["term"].tolist()
    toks = tokenize_series(terms, stop=None, numbers=True, cache=False)
    broken = [t for t, tk in zip(terms, toks) if tk != [t]]
    assert broken == []


def test_report_sentence_keeps_governance_terms_whole():
    # report p.2, raw lines 162-168 (one sentence spread over four lines with blank lines between)
    lines = REPORT_TXT.read_text(encoding="utf-8").split("\n")
    raw = "\n".join(lines[161:168])
    assert "互联网+政务服务" in normalize(raw)
    toks = tokenize(raw)
    for term in ("互联网+政务服务", "政务数据", "全程网办", "一网通办", "掌上可办"):
        assert term in toks, term
    assert "+" not in toks and "互联网+政务服务" in tokenize("“互联网＋政务服务”")


def test_private_tokenizer_does_not_touch_global_jieba():
    tokens.get_tokenizer()
    assert jieba.lcut("互联网+政务服务") != ["互联网+政务服务"]
    assert "互联网+政务服务" not in jieba.dt.FREQ


def test_bad_userdict_reports_file_row_and_field(tmp_path):
    p = tmp_path / "userdict.csv"
    p.write_text("term,pos,freq,source,example,note\n一网通办,nz,,report p.2,实现“一网通办”,ok\n"
                 "数字·政府,nz,,report p.2,数字·政府,bad char\n一网通办,n,x,report p.2,一网通办,dup\n",
                 encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        tokens.load_userdict(p)
    msg = str(exc.value)
    assert f"{p}: row 3, field term" in msg and "row 4, field term: duplicate" in msg and "row 4, field freq" in msg


# ------------------------------------------------------------------ stopwords
def test_stopword_lists():
    general = stopwords("general")
    # stopwords-zh.txt has 794 distinct non-empty lines (SOURCES.md says 793: the last line has no newline)
    assert len(general) == 794 and "的" in general and "应当" not in general
    policy_df = pd.read_csv(tokens.POLICY_STOPWORDS_CSV, dtype="string")
    SCHEMAS["stopwords_policy"].validate(policy_df, lazy=True)
    policy = stopwords("policy")
    assert policy == set(policy_df["word"]) and "应当" in policy and "规定" in policy
    assert not ({"数据", "安全", "国家", "信息", "技术"} & policy)      # content words are not boilerplate
    assert stopwords() == general | policy and stopwords(()) == frozenset()
    with pytest.raises(ValueError):
        stopwords("english")


def test_policy_stopword_evidence_reproduces_on_cited_laws():
    """Recompute the clause share of each policy stopword in the 8 cited laws (one clause per body line)."""
    files = sorted((ROOT / "data/raw/lawrefbook-laws").rglob("*.md"))
    cited = ("网络安全法", "数据安全法", "个人信息保护法", "关键信息基础设施安全保护条例", "国务院关于在线政务服务",
             "最高人民法院关于审理使用人脸识别", "上海市数据条例", "深圳经济特区人工智能产业促进条例")
    lines = []
    for f in files:
        if f.name.startswith(cited):
            body = f.read_text(encoding="utf-8").split("<!-- INFO END -->")[-1]
            lines += [l for l in body.split("\n") if l.strip() and not l.startswith("#")]
    assert len(lines) > 800
    toks = tokenize_series(lines, stop="general")
    share = {w: sum(w in t for t in toks) / len(lines) for w in stopwords("policy")}
    assert share["应当"] > 0.15 and share["规定"] > 0.10
    assert sum(v >= 0.01 for v in share.values()) >= 0.8 * len(share)


# ------------------------------------------------------------------ tokenisation
def test_tokenize_filters_punctuation_keeps_single_cjk_and_pos():
    toks = tokenize("建设政务云和网，推动数据上链。", stop="general")
    assert "，" not in toks and "。" not in toks
    assert "网" in toks and "上链" in toks and "政务云" in toks
    pairs = tokenize("推动政务数据共享，建设城市大脑", pos=True)
    assert ("城市大脑", "nz") in pairs and all(isinstance(p, tuple) for p in pairs)
    nouns = tokenize("推动政务数据共享，建设城市大脑", keep_pos=["n"], stop=None)
    assert "推动" not in nouns and "城市大脑" in nouns
    assert tokenize("应当依法进行", stop="policy") == [] and tokenize("应当依法进行", stop=None) != []
    assert tokenize("数据安全", stop=["数据安全"]) == []


def test_tokenize_series_keeps_index_and_is_deterministic():
    s = pd.Series(["推进数字政府建设", "", None, "推进数字政府建设"], index=[10, 11, 12, 13])
    a = tokenize_series(s, cache=False)
    assert list(a.index) == [10, 11, 12, 13] and a[11] == [] and a[12] == []
    assert a[10] == a[13] == ["推进", "数字政府建设"]
    assert tokenize_series(s, cache=False).tolist() == a.tolist()


# ------------------------------------------------------------------ cache
@pytest.fixture()
def tmp_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(tokens, "TOKEN_CACHE_DIR", tmp_path / "tokens")
    tokens._MEM.clear(); tokens._LOADED.clear()
    yield tmp_path / "tokens"
    tokens._MEM.clear(); tokens._LOADED.clear()


TEXTS = [f"第{i}条 推进“一网通办”，建设城市大脑和健康码，数据共享{i}次。" for i in range(300)]


def _cache_bytes(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.pkl"))}


def test_cache_is_used_and_rebuilt_byte_identically(tmp_cache):
    first = tokenize_series(TEXTS).tolist()
    snap = _cache_bytes(tmp_cache)
    assert snap and all(k.split("/")[0] == tokens.dictionary_version() for k in snap)
    tokens._MEM.clear(); tokens._LOADED.clear()
    assert tokenize_series(TEXTS).tolist() == first             # read back from disk
    assert tokens.clear_cache() == len(snap) and not tmp_cache.exists()
    assert tokenize_series(TEXTS).tolist() == first
    assert _cache_bytes(tmp_cache) == snap                       # rebuilt identically
    assert tokenize_series(TEXTS, cache=False).tolist() == first


def test_two_processes_fill_the_cache_at_once(tmp_cache):
    code = textwrap.dedent(f"""
        import sys, json
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from analysis.text import tokens
        tokens.TOKEN_CACHE_DIR = Path({str(tmp_cache)!r})
        texts = [f"第{{i}}条 推进“一网通办”，建设城市大脑和健康码，数据共享{{i}}次。" for i in range(300)]
        texts += [f"进程{{sys.argv[1]}}的文本{{i}}：电子证照" for i in range(50)]
        print(json.dumps(tokens.tokenize_series(texts).tolist(), ensure_ascii=False))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(k)], stdout=subprocess.PIPE, text=True)
             for k in (1, 2)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    import json
    res = [json.loads(o) for o in outs]
    assert res[0][:300] == res[1][:300] == tokenize_series(TEXTS, cache=False).tolist()
    assert not [p for p in tmp_cache.rglob(".*") if p.is_file()]  # no temporary file left behind
    tokens._MEM.clear(); tokens._LOADED.clear()
    both = TEXTS + [f"进程{k}的文本{i}：电子证照" for k in (1, 2) for i in range(50)]
    assert tokenize_series(both).tolist()[:300] == res[0][:300]


def test_a_researchers_own_userdict_may_cite_free_text_sources(tmp_path):
    own = tmp_path / "my_userdict.csv"
    own.write_text("term,pos,freq,source,example,note\n"
                   "一网统管,nz,,my interviews 2023,推进一网统管建设,\n", encoding="utf-8")
    df = tokens.load_userdict(own)
    assert df["term"].tolist() == ["一网统管"]
    bad = tmp_path / "bad_userdict.csv"
    bad.write_text("term,pos,freq,source,example,note\n一网统管,nz,0,,推进一网统管建设,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="freq"):
        tokens.load_userdict(bad)


def test_cache_bytes_do_not_depend_on_string_identity():
    import pickle

    word = "数据"
    shared = {"k": ((word, "n"), (word, "n"))}                                  # one string object twice
    separate = {"k": (("".join(["数", "据"]), "n"), ("".join(["数", "据"]), "n"))}  # two equal objects
    assert pickle.dumps(shared, protocol=5) != pickle.dumps(separate, protocol=5)  # why canonicalising matters
    canon = {k: tokens._canonical(v) for k, v in shared.items()}
    canon2 = {k: tokens._canonical(v) for k, v in separate.items()}
    assert pickle.dumps(canon, protocol=5) == pickle.dumps(canon2, protocol=5)


# ------------------------------------------------------------------ exact shortcuts of the cold path
TRICKY = ["", "   ", "第一条　为了规范数据处理活动，保障数据安全，促进数据开发利用。",
          "县级以上人民政府应当……县级以上人民政府应当", "互联网+政务服务 5G AI-2.0 50% ＃tag",
          "a-b c_d e.f 3.14% 〔2021〕12号", "数据\r\n安全\t法", "一是加强；二是推进。一是加强",
          "English words only", "１２３ＡＢＣ“一网通办”（试行）"]


@pytest.mark.parametrize("pos", [False, True])
def test_block_memo_gives_jiebas_tokens_text_by_text(pos):
    """_segment_chunk looks up repeated jieba blocks; its tokens must equal one tok.cut per text."""
    import analysis

    texts = [normalize(t) for t in analysis.load_clauses("cited")["text"].astype(str)] + TRICKY
    texts += texts[:50]                                   # repeats: the memo is used
    path = str(tokens.USERDICT_CSV.resolve())
    tok = tokens.get_tokenizer(pos=pos)
    ref = []
    for t in texts:
        w, f = tokens._segment_raw(t, pos, path, tok)
        ref.append((tuple(w), tuple(f) if f is not None else None))
    assert tokens._segment_chunk(texts, pos, path) == ref


def test_block_memo_bound_does_not_change_tokens(monkeypatch):
    path = str(tokens.USERDICT_CSV.resolve())
    texts = [normalize(t) for t in TRICKY * 3]
    full = tokens._segment_chunk(texts, False, path)
    monkeypatch.setattr(tokens, "BLOCK_MEMO_MAX", 2)      # the memo is cleared again and again
    assert tokens._segment_chunk(texts, False, path) == full


def test_cold_segments_pickle_canonically():
    """The cache stores _segment_chunk's output without copying: it must pickle like _canonical's."""
    import pickle

    path = str(tokens.USERDICT_CSV.resolve())
    texts = [normalize(t) for t in TRICKY] * 2
    for pos in (False, True):
        segs = {str(i): s for i, s in enumerate(tokens._segment_chunk(texts, pos, path))}
        canon = {k: tokens._canonical(v) for k, v in segs.items()}
        assert pickle.dumps(segs, protocol=5) == pickle.dumps(canon, protocol=5)


def test_word_class_memo_matches_the_rules():
    tokens._WORD_CLASS.clear()
    words = ["数据", "，", "一是", "2021", "第二十一条", "年", "3.5%", "the", "第三章", "次"]
    first = tokenize_series([" ".join(words)], stop=None).tolist()
    assert tokens._WORD_CLASS                               # filled
    assert [tokens._word_class(w) for w in ["，", "一是", "2021", "第二十一条", "数据"]] == [0, 0, 1, 1, 2]
    assert tokenize_series([" ".join(words)], stop=None).tolist() == first   # from the memo: the same
