"""The segmentation engine is provably jieba: jieba-next's Rust route gives jieba's tokens (and POS tags) on every
shipped corpus, the start-up self-check would catch a route that does not, and without jieba-next it is plain jieba."""
from __future__ import annotations

import os
import subprocess
import sys

import jieba
import jieba.posseg
import pandas as pd
import pytest

from analysis.paths import CACHE_DIR
from analysis.text import engine, tokens
from analysis.text.tokens import normalize

HAS_JIEBA_NEXT = engine.jieba_next_version() is not None
needs_jieba_next = pytest.mark.skipif(
    not HAS_JIEBA_NEXT or os.environ.get(engine.ENV_VAR, "auto") == "jieba",
    reason="jieba-next is not installed (`pip install .[fast]`) or ANALYSIS_SEGMENTATION=jieba: the project "
           "segments with plain jieba, so there is no second engine to compare")
CORPORA = ("cited", "digest", "collection", "national", "local")
PATH = str(tokens.USERDICT_CSV.resolve())


def _engine_in_subprocess(env_value: str | None) -> list[str]:
    code = ("from analysis.text import tokens; print(tokens.ENGINE); print(type(tokens.get_tokenizer()).__name__); "
            "print(tokens.dictionary_version()); print(tokens.dictionary_version(pos=True))")
    env = {k: v for k, v in os.environ.items() if k != engine.ENV_VAR}
    if env_value is not None:
        env[engine.ENV_VAR] = env_value
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=env).stdout.splitlines()


def test_plain_jieba_when_switched_off_and_the_cache_key_does_not_name_the_engine():
    off = _engine_in_subprocess("jieba")
    why = "ANALYSIS_SEGMENTATION=jieba" if HAS_JIEBA_NEXT else "jieba-next is not installed"
    assert off[0] == f"jieba {jieba.__version__} ({why})" and off[1] == "Tokenizer"
    auto = _engine_in_subprocess(None)
    if HAS_JIEBA_NEXT:
        assert auto[0].startswith(f"jieba {jieba.__version__} with jieba-next ") and auto[1] == "RouteTokenizer"
    else:
        assert auto[0] == f"jieba {jieba.__version__} (jieba-next is not installed)" and auto[1] == "Tokenizer"
    # both engines give jieba's tokens for every text, so one token cache serves both
    assert auto[2:] == off[2:]


def test_engine_is_named_without_loading_anything_at_import():
    code = "import sys; from analysis.text import tokens; print('jieba' in sys.modules, 'jieba_next' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split() == ["False", "False"]


def test_route_is_exact_names_the_two_ways_the_rust_dag_could_differ():
    words = "一二三四五六七八九十甲乙丙丁"                       # 14 characters
    freq = {words[:i]: 1 for i in range(1, len(words) + 1)}     # every prefix a word: 14 ends at position 0
    assert "prefixes that are words" in engine.route_is_exact(freq)
    freq = {words[:i]: (1 if i in (1, 5, 14) else 0) for i in range(1, len(words) + 1)}
    assert engine.route_is_exact(freq, prefix_closed=True) is None
    del freq[words[:3]]                                          # a gap: jieba's DAG loop stops there, the trie not
    assert "not prefix-closed" in engine.route_is_exact(freq, prefix_closed=True)


@needs_jieba_next
def test_project_dictionary_meets_the_conditions_and_the_route_is_in_use():
    tok = tokens.get_tokenizer()
    assert isinstance(tok, engine.RouteTokenizer) and tok._route is not None
    assert engine.route_is_exact(tok.FREQ, prefix_closed=True) is None
    assert isinstance(tokens.get_tokenizer(pos=True), engine.route_pos_tokenizer_class())
    assert "jieba-next" in tokens.ENGINE and "self-check" in tokens.ENGINE


@needs_jieba_next
def test_self_check_catches_a_route_that_is_not_jiebas(monkeypatch):
    tok = tokens.get_tokenizer()
    texts = tokens._CHECK_TEXTS[PATH]
    assert engine.self_check(tok, texts) == [] and engine.self_check(tokens.get_tokenizer(pos=True), texts, pos=True) == []
    monkeypatch.setattr(tok, "_route", lambda s: list(range(len(s) + 1)))   # every character a word of its own
    assert len(engine.self_check(tok, texts)) > len(texts) // 2
    assert len(engine.self_check(tokens.get_tokenizer(pos=True), texts, pos=True)) > len(texts) // 2


@needs_jieba_next
def test_jieba_next_own_tokenizer_is_not_jieba_but_the_route_tokenizer_is():
    """Why only the route is taken from jieba-next: its own cut differs from jieba's (block regex without "-",
    HMM ties); jieba's Tokenizer with the Rust route does not."""
    import jieba_next

    ref = jieba.Tokenizer()
    ref.tmp_dir = str(CACHE_DIR / "jieba")
    ref.initialize()
    own = jieba_next.Tokenizer(cache_dir=str(CACHE_DIR / "jieba-next"))
    own.initialize()
    route = engine.RouteTokenizer()
    route.tmp_dir = ref.tmp_dir
    route.initialize()
    assert route.use_rust_route() is None
    for text in ("王犇犇任局长", "加强统筹-----确保安全", "他叫丄丅来了"):
        assert list(own.cut(text)) != list(ref.cut(text))
        assert list(route.cut(text)) == list(ref.cut(text))


def _plain_jieba():
    """An independent reference: jieba's own Tokenizer and POSTokenizer with the project dictionary."""
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(CACHE_DIR / "jieba")
    tok.initialize()
    for row in tokens.load_userdict().itertuples(index=False):
        tok.add_word(row.term, None if pd.isna(row.freq) else int(row.freq), row.pos)
    return tok, jieba.posseg.POSTokenizer(tok)


@pytest.fixture(scope="module")
def plain_jieba():
    tokens._quiet_jieba()
    return _plain_jieba()


@pytest.mark.slow
@needs_jieba_next
@pytest.mark.parametrize("name", CORPORA)
def test_every_shipped_corpus_segments_identically_with_both_engines(name, plain_jieba, monkeypatch):
    """Every clause of the corpus: words without POS, and words with POS tags, jieba-next's route against plain
    jieba (the clauses as analysis.load_clauses gives them, normalised as tokenize_series does)."""
    import analysis

    texts = [normalize(t) for t in analysis.load_clauses(name)["text"].astype(str)]
    assert isinstance(tokens.get_tokenizer(), engine.RouteTokenizer) and tokens.get_tokenizer()._route is not None
    for pos in (False, True):
        got = tokens._segment_chunk(texts, pos, PATH)
        with monkeypatch.context() as m:
            m.setattr(tokens, "get_tokenizer", lambda path=None, pos=False: plain_jieba[1 if pos else 0])
            ref = tokens._segment_chunk(texts, pos, PATH)
        bad = [i for i, (a, b) in enumerate(zip(got, ref)) if a != b]
        assert len(got) == len(ref) == len(texts)
        assert not bad, f"{name}, pos={pos}: {len(bad)} clauses differ, first: {texts[bad[0]][:80]!r}"
        del got, ref
