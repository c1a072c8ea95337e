"""The word-segmentation engine behind :mod:`analysis.text.tokens`: jieba, with jieba-next's Rust route when it is
installed and proven equal.

jieba 0.42.1 is the reference: every token the project counts is jieba's. Most of jieba's time goes into two
pure-Python loops of ``Tokenizer.cut``: ``get_DAG`` (the dictionary words starting at each character) and ``calc``
(the most probable path through them). jieba-next (PyPI ``jieba-next``, a Rust fork of jieba_fast; ``pip install
.[fast]``) computes the same route in Rust (``PrefixDict.get_dag_and_calc``). When it is installed, the tokenizers
here are jieba's own classes with only that route taken from Rust (:class:`RouteTokenizer`,
:class:`RoutePOSTokenizer`); everything else — the dictionary and the user dictionary (jieba's ``add_word`` and
``suggest_freq``), the split of a text into blocks, the buffering of single characters, the HMM for unknown words
and the POS tagger — is jieba's code. jieba-next's own ``Tokenizer.cut`` is *not* used: it differs from jieba
(tests/benchmarks/segmentation.md): its block regex leaves out ``-`` (``-----`` is five tokens, one in jieba) and its
Rust HMM breaks ties and handles characters the HMM has never seen differently (``王犇犇任局长``: jieba
``王犇/犇/任/局长``, jieba-next ``王犇犇任/局长``); its ``posseg.POSTokenizer.cut`` is another algorithm than jieba's.

Why the route is jieba's for every input, not only for the texts tested:

* the same dynamic programme: for each position from the end, the maximum over the dictionary words starting there
  of ``log(freq) - log(total) + score(next)``, summed in the same order; ties go to the longer word in both (jieba:
  ``max`` of ``(score, end)`` tuples; Rust: ``>=`` over ends in increasing order); both take ``log`` from the C
  library of the process (CPython's ``math.log``; the Rust extension imports ``log`` from libm), so every
  score is the same double;
* the same dictionary: the Rust trie is built from the tokenizer's own ``FREQ`` and ``total`` after the user
  dictionary is loaded, and ``FREQ`` holds every prefix of every word (jieba adds them), so the trie walk stops
  where jieba's ``frag in FREQ`` loop stops (the tests check it: :func:`route_is_exact` with ``prefix_closed``);
* the one limit of the Rust DAG: it keeps at most 12 word ends per position. :func:`route_is_exact` checks that no
  word of the loaded dictionary has more than 12 prefixes that are words, so the limit can never bind.

:func:`self_check` segments a fixed sample — the ``example`` sentence of every user-dictionary term and the cases
above — both ways at start-up and the route is used only if every token (and POS tag) is equal. Otherwise, or when
jieba-next is missing, the tokenizers are plain jieba. ``ANALYSIS_SEGMENTATION=jieba`` forces plain jieba.
tests/test_segmentation_engines.py segments every shipped corpus both ways, with and without POS tags.
"""
from __future__ import annotations

import logging
import os
from functools import lru_cache

import jieba
import jieba.finalseg as _finalseg

_log = logging.getLogger("analysis.text.tokens")

#: ``ANALYSIS_SEGMENTATION``: ``auto`` (default: jieba-next's route when installed and proven equal) or ``jieba``.
ENV_VAR = "ANALYSIS_SEGMENTATION"
#: Word ends per position that jieba-next's Rust DAG keeps (``PrefixDict.scan_from``).
RUST_DAG_MAX_ENDS = 12
#: jieba-next versions whose Rust route was read and found to be jieba's (the argument above); another version is
#: not used until it has been read too (its DAG limit or tie rule may have changed), whatever its self-check says.
VERIFIED_JIEBA_NEXT = ("1.0.0rc1",)

#: Fixed self-check sentences besides the user dictionary's examples: report and legal wording, ASCII, numbers,
#: hyphens and percent signs (jieba's block regex keeps ``-`` and ``%``), characters jieba's HMM has never seen
#: (``丄丅``), rare name characters whose HMM ties jieba-next's own ``cut`` breaks differently, whitespace.
SELF_CHECK_TEXTS = (
    "数字技术应用规则体系建设是推进国家治理体系和治理能力现代化的重要内容。",
    "第二十一条　县级以上人民政府应当加强政务数据共享，依照本法规定履行个人信息保护职责。",
    "推进“互联网+政务服务”，2021年6月10日第十三届全国人民代表大会常务委员会第二十九次会议通过。",
    "区块链、人工智能、大数据、云计算、5G和物联网等新一代信息技术，GDP增长8.1%，覆盖率达到99.5%。",
    "一是加强统筹；二是完善标准；三是强化安全----确保数据安全-----和个人信息保护。",
    "他叫丄丅来了，王犇犇任局长，张堃堃同志在喆喆路工作。",
    "Open Data Index 2020 中国排名第 1 位，e-government 发展指数 0.8119，C++ 与 C# 并用。",
    "政务服务“一网通办”“跨省通办”，数字政府建设指引（国发〔2022〕14号）。",
)


@lru_cache(maxsize=1)
def rust_prefix_dict_class():
    """jieba-next's ``PrefixDict`` class, or None when jieba-next is missing or switched off."""
    if os.environ.get(ENV_VAR, "auto").strip().lower() == "jieba":
        return None
    try:
        from jieba_next.jieba_next_rust import PrefixDict
    except ImportError:
        return None
    return PrefixDict


def jieba_next_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("jieba-next")
    except Exception:  # noqa: BLE001 - not installed
        return None


def route_is_exact(freq: dict[str, int], prefix_closed: bool = False) -> str | None:
    """None when jieba-next's Rust DAG over ``freq`` equals jieba's ``get_DAG`` for every text; else the reason.

    Checked at every start-up (0.05 s): no word has more than :data:`RUST_DAG_MAX_ENDS` prefixes that are words
    (the number of ends the Rust DAG keeps per position). ``prefix_closed=True`` also checks that every prefix of a
    key is a key — jieba's DAG loop stops at the first fragment not in ``FREQ``, the trie walk at the first missing
    node. jieba guarantees it (``gen_pfdict`` and ``add_word`` insert every prefix), so only the tests check it
    (0.5 s).
    """
    if prefix_closed:
        for w in freq:
            if len(w) > 1 and w[:-1] not in freq:
                return f"the dictionary is not prefix-closed ({w[:-1]!r} missing)"
    for w in [w for w in freq if len(w) > RUST_DAG_MAX_ENDS]:
        if freq[w]:
            n = sum(1 for i in range(1, len(w) + 1) if freq.get(w[:i]))
            if n > RUST_DAG_MAX_ENDS:
                return f"{w!r} has {n} prefixes that are words (jieba-next keeps {RUST_DAG_MAX_ENDS})"
    return None


class RouteTokenizer(jieba.Tokenizer):
    """:class:`jieba.Tokenizer` whose HMM cut takes its DAG route from jieba-next's Rust ``PrefixDict``.

    Until :meth:`use_rust_route` succeeds (and again after any ``add_word``/``del_word``) it is plain jieba.
    """

    _route = None

    def use_rust_route(self) -> str | None:
        """Build the Rust trie from this tokenizer's dictionary; None on success, else why not (plain jieba then)."""
        self._route = None
        cls = rust_prefix_dict_class()
        if cls is None:
            return "jieba-next is not installed" if jieba_next_version() is None else f"{ENV_VAR}=jieba"
        if jieba_next_version() not in VERIFIED_JIEBA_NEXT:
            return (f"jieba-next {jieba_next_version()} is not a version whose route was verified "
                    f"({', '.join(VERIFIED_JIEBA_NEXT)})")
        self.check_initialized()
        why = route_is_exact(self.FREQ)
        if why:
            return why
        self._route = cls(self.FREQ, float(self.total)).get_dag_and_calc
        return None

    def add_word(self, word, freq=None, tag=None):
        self._route = None      # the trie no longer matches FREQ: back to jieba's own route
        super().add_word(word, freq, tag)

    def _Tokenizer__cut_DAG(self, sentence):
        # jieba 0.42.1 ``Tokenizer.__cut_DAG`` (MIT), ``route[x][1]`` of get_DAG + calc replaced by the Rust route
        if self._route is None:
            yield from jieba.Tokenizer._Tokenizer__cut_DAG(self, sentence)
            return
        route = self._route(sentence)
        freq = self.FREQ
        x = 0
        buf = ""
        n = len(sentence)
        while x < n:
            y = route[x] + 1
            l_word = sentence[x:y]
            if y - x == 1:
                buf += l_word
            else:
                if buf:
                    if len(buf) == 1:
                        yield buf
                    elif not freq.get(buf):
                        yield from _finalseg.cut(buf)
                    else:
                        yield from buf
                    buf = ""
                yield l_word
            x = y
        if buf:
            if len(buf) == 1:
                yield buf
            elif not freq.get(buf):
                yield from _finalseg.cut(buf)
            else:
                yield from buf


def _pos_classes():
    import jieba.posseg as posseg

    class RoutePOSTokenizer(posseg.POSTokenizer):
        """:class:`jieba.posseg.POSTokenizer` over a :class:`RouteTokenizer`: the DAG route from Rust, the tags,
        the POS HMM and everything else jieba's."""

        def _POSTokenizer__cut_DAG(self, sentence):
            # jieba 0.42.1 ``POSTokenizer.__cut_DAG`` (MIT), route from the Rust trie
            route_fn = getattr(self.tokenizer, "_route", None)
            if route_fn is None:
                yield from posseg.POSTokenizer._POSTokenizer__cut_DAG(self, sentence)
                return
            route = route_fn(sentence)
            pair = posseg.pair
            tags = self.word_tag_tab
            freq = self.tokenizer.FREQ
            x = 0
            buf = ""
            n = len(sentence)
            while x < n:
                y = route[x] + 1
                l_word = sentence[x:y]
                if y - x == 1:
                    buf += l_word
                else:
                    if buf:
                        if len(buf) == 1:
                            yield pair(buf, tags.get(buf, "x"))
                        elif not freq.get(buf):
                            yield from self._POSTokenizer__cut_detail(buf)
                        else:
                            for elem in buf:
                                yield pair(elem, tags.get(elem, "x"))
                        buf = ""
                    yield pair(l_word, tags.get(l_word, "x"))
                x = y
            if buf:
                if len(buf) == 1:
                    yield pair(buf, tags.get(buf, "x"))
                elif not freq.get(buf):
                    yield from self._POSTokenizer__cut_detail(buf)
                else:
                    for elem in buf:
                        yield pair(elem, tags.get(elem, "x"))

    RoutePOSTokenizer.__qualname__ = "RoutePOSTokenizer"
    RoutePOSTokenizer.__module__ = __name__
    return RoutePOSTokenizer


@lru_cache(maxsize=1)
def route_pos_tokenizer_class():
    return _pos_classes()


def self_check(tok, texts, pos: bool = False) -> list[str]:
    """The texts whose segmentation (``pos``: words and tags) differs between jieba's own route and the Rust route
    of ``tok`` (a :class:`RouteTokenizer`, or a :class:`RoutePOSTokenizer` over one when ``pos``)."""
    base = tok.tokenizer if pos else tok
    route = base._route
    if route is None:
        return []

    def seg(t):
        return [(p.word, p.flag) for p in tok.cut(t)] if pos else list(tok.cut(t))

    try:
        base._route = None
        ref = [seg(t) for t in texts]
    finally:
        base._route = route
    return [t for t, r in zip(texts, ref) if seg(t) != r]


def describe(tok, why: str | None) -> str:
    """The one line naming the engine in use."""
    if getattr(tok, "_route", None) is not None:
        return (f"jieba {jieba.__version__} with jieba-next {jieba_next_version()}'s Rust route "
                "(self-check: tokens identical to jieba)")
    return f"jieba {jieba.__version__}" + (f" ({why})" if why else "")
