"""Chinese text normalisation and word segmentation (jieba) with the project's governance dictionary.

Pipeline for one text::

    raw text --normalize()--> normalised text --jieba (private Tokenizer + userdict)--> segments
             --filters (punctuation, list markers, numbers, stopwords, POS)--> tokens

* :func:`normalize` -- the normalisation rules (documented in its docstring).
* :func:`tokenize` / :func:`tokenize_series` -- tokens of one text / of a Series of texts.
* :func:`stopwords` -- the general (stopwords-iso) and policy-boilerplate stopword sets.
* :func:`load_userdict` -- the validated user dictionary ``data/curated/userdict.csv``.
* :class:`Tokenizer` -- a picklable callable for scikit-learn (``TfidfVectorizer(tokenizer=...)``).
* :func:`clear_cache` -- empties the on-disk token cache ``.cache/tokens/``.

The jieba tokenizer is a private :class:`jieba.Tokenizer` instance: the user dictionary is never
added to jieba's global tokenizer, so other code using ``jieba.cut`` is unaffected.

Engine: jieba is the reference. With jieba-next installed (``pip install .[fast]``) the tokenizer is still jieba's,
with only the DAG route (jieba's two slowest loops) computed by jieba-next's Rust trie, after a start-up self-check
on a fixed sample with the user dictionary (:mod:`analysis.text.engine`, which also says why that route equals
jieba's for every text). :func:`engine` / ``ENGINE`` give the one line saying which is in use (also logged at INFO
level by the ``analysis.text.tokens`` logger); ``ANALYSIS_SEGMENTATION=jieba`` forces plain jieba.

Token cache
-----------
Segmentation results (before any filtering) are cached on disk under
``CACHE_DIR/tokens/<dictionary version>/<shard>/<batch>.pkl``. The key of a text is
``sha256(normalize(text))``; the shard is the first two hex digits of the key; the dictionary
version (:func:`dictionary_version`) hashes the user-dictionary file, the jieba version, the
normalisation version and the segmentation mode, so editing ``userdict.csv`` invalidates the cache
automatically. It does not name the engine: both give jieba's tokens for every text (:mod:`analysis.text.engine`),
so a cache filled by either serves both. Each :func:`tokenize_series` call writes, per shard, one new file holding only the
texts it had to segment; the file name is the hash of its keys, content is a pickled dict sorted by
key, written to a temporary file and renamed with :func:`os.replace`. Two processes filling the
cache at once therefore never write the same file with different content and never lose an entry
(no read-modify-write); rebuilding the cache produces byte-identical files.

``tokenize_series(cache="partition")`` (used per partition by :mod:`analysis.distributed`) keeps one file per
batch instead, ``CACHE_DIR/tokens/<dictionary version>/partitions/<hash of the batch's keys>.pkl``, read whole
or written whole and never held in memory between calls, so a worker's memory does not grow with the corpus.
``ANALYSIS_TOKEN_CACHE`` moves the token cache (e.g. to a node-local disk).

Speed (tests/benchmarks/cold_tokens.md): the tokenizer is looked up once per batch and the dictionary
digest is memoised on the file's (inode, size, mtime); within a batch a jieba block (a run of characters
jieba segments on its own) seen before is looked up rather than segmented again, which is exact and saves
16–22 % on the national and local corpora (:func:`_segment_chunk`). A cold batch, normalisation and filtering
included, runs at 0.54–0.58 M characters/s per core on the reference machine, as fast as plain ``jieba.lcut``
without the dictionary; ``jobs=N`` segments cache misses in N processes with identical tokens. jieba-fast-dat
was measured (7× faster) but segments 2.8–6.6 % of the shipped clauses differently, so jieba stays; jieba-next's
Rust route makes plain segmentation about 2.5× faster with jieba's tokens (tests/benchmarks/segmentation.md).
"""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from ..corpus.readers import IDEOGRAPH_TABLE, standard_ideographs  # noqa: F401  (defined at intake)
from ..files import atomic_write
from ..paths import CACHE_DIR, CURATED_DIR, RAW_DIR
from ..tables import DataError, read_table, schemas

USERDICT_CSV = CURATED_DIR / "userdict.csv"
GENERAL_STOPWORDS_TXT = RAW_DIR / "stopwords-iso-zh" / "stopwords-zh.txt"
POLICY_STOPWORDS_CSV = CURATED_DIR / "stopwords_policy.csv"
#: The token cache; ``ANALYSIS_TOKEN_CACHE`` moves it (e.g. to a node-local disk on a cluster, or a fresh
#: folder for a cold benchmark). Dask workers started by a LocalCluster inherit the variable.
TOKEN_CACHE_DIR = Path(os.environ["ANALYSIS_TOKEN_CACHE"]) if os.environ.get("ANALYSIS_TOKEN_CACHE") \
    else CACHE_DIR / "tokens"

#: Bumped whenever :func:`normalize` or the cached value format changes (part of the cache key).
# Not bumped for the Kangxi/compatibility-ideograph mapping (step 2), nor when the CJK Radicals Supplement
# was added to it (issue 19): no text of the report or of the shipped corpora contains such code points
# (checked both times), so every cached token
# list and data/processed/national_term_counts.csv stay valid.
NORMALIZE_VERSION = "1"
STOPWORD_KINDS = ("general", "policy")
DEFAULT_STOP = ("general", "policy")

#: Characters a user-dictionary term may contain. jieba only looks up the dictionary inside runs
#: matched by ``jieba.re_han_default`` (CJK, ASCII letters/digits, ``+#&._%-``) and, for POS
#: tagging, ``jieba.posseg.re_han_internal`` (the same without ``%`` and ``-``). A term with any
#: other character (space, ·, （, “) would silently never match, so it is rejected on load.
_TERM_RE = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._]+$")
_TERM_POS_RE = re.compile(r"^[a-z]{1,4}$")

_log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}           # ０-９
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})     # Ａ-Ｚ
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})     # ａ-ｚ
_FULLWIDTH.update({0xFF0B: ord("+"), 0xFF05: ord("%"), 0xFF03: ord("#"), 0xFF06: ord("&")})
_FULLWIDTH.update({ord(c): ord("“") for c in "「『〝"})
_FULLWIDTH.update({ord(c): ord("”") for c in "」』〞"})
_FULLWIDTH.update({c: None for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)})  # zero-width, soft hyphen

# "wide" characters: CJK ideographs (+ ext. A, compatibility), CJK symbols and punctuation,
# full-width forms, curly quotes, dashes and ellipsis. Whitespace touching one of them is an
# artefact of PDF extraction or of legal-text layout ("总  则") and is deleted.
_WIDE = r"\u2E80-\u2FFF\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u2010-\u2027"
_WS_AFTER_WIDE = re.compile(rf"(?<=[{_WIDE}])\s+")
_WS_BEFORE_WIDE = re.compile(rf"\s+(?=[{_WIDE}])")
_WS = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_STRAIGHT_DQ = re.compile(r'["＂]')


def normalize(text: str) -> str:
    """Normalise a Chinese text before segmentation. Idempotent: ``normalize(normalize(t)) == normalize(t)``.

    Rules, in order:

    1. ``None``/NaN → ``""``; zero-width characters and soft hyphens are removed.
    2. Full-width ASCII letters and digits (``Ａ``, ``５``) and ``＋ ％ ＃ ＆`` become their ASCII
       forms (``互联网＋`` → ``互联网+``). CJK punctuation is **not** touched: ``。，、；：？！（）《》``
       keep their full-width forms (NFKC would turn ``，`` into ``,`` and ``（`` into ``(``, which
       changes the text a reader quotes and the clause splitter relies on). No NFKC is applied.
       Kangxi radicals, CJK Radicals Supplement and CJK compatibility ideographs become the
       standard ideographs (``第⼗⼀条`` → ``第十一条``, ``人⺠法院`` → ``人民法院``;
       :func:`standard_ideographs`: Unicode's Equivalent_Unified_Ideograph data for the radicals,
       the NFKC mapping for the compatibility ideographs; those code points only).
    3. Quote marks: corner brackets ``「『〝`` → ``“`` and ``」』〞`` → ``”``; straight double quotes
       (``"`` and ``＂``) become ``“`` and ``”`` alternately within the text. Single curly quotes
       ``‘’`` (nested quotations) and the ASCII apostrophe are kept.
    4. Whitespace (spaces, tabs, line breaks, U+3000) next to a CJK character or CJK/full-width
       punctuation is deleted (PDF extraction puts line breaks inside words and spaces around
       numbers: ``"上世纪 70年代"`` → ``"上世纪70年代"``, ``"数\\n字政府"`` → ``"数字政府"``). Any other
       whitespace run (between two ASCII words) becomes one space; the text is stripped.
    5. Numbers: thousands separators between digits are dropped (``1,000`` → ``1000``); decimals,
       percentages and dates are kept as written (``2021年6月10日``). Whether numbers become tokens
       is decided by :func:`tokenize` (``numbers=``), not here.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    if not isinstance(text, str):
        raise TypeError(f"normalize expects str, got {type(text).__name__}: {text!r:.80}")
    text = standard_ideographs(text.translate(_FULLWIDTH))
    if '"' in text or "＂" in text:
        counter = iter(range(1 << 30))
        text = _STRAIGHT_DQ.sub(lambda m: "“" if next(counter) % 2 == 0 else "”", text)
    text = _WS_AFTER_WIDE.sub("", text)
    text = _WS_BEFORE_WIDE.sub("", text)
    text = _WS.sub(" ", text).strip()
    text = _THOUSANDS.sub("", text)
    return text


# --------------------------------------------------------------------------------------------
# User dictionary and jieba tokenizers
# --------------------------------------------------------------------------------------------
def _file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, re-read only when its (inode, size, mtime) changes: looking the
    tokenizer up once per text used to hash the user dictionary once per text (30 % of cold time)."""
    st = os.stat(path)
    return _sha256_of(str(path), st.st_ino, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=64)
def _sha256_of(path: str, ino: int, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_userdict(path: Path | str = USERDICT_CSV) -> pd.DataFrame:
    """Read and validate the project user dictionary.

    Parameters
    ----------
    path : path, default ``data/curated/userdict.csv``

    Returns
    -------
    pandas.DataFrame
        Columns ``term`` (the word kept whole), ``pos`` (jieba POS tag, e.g. ``n``, ``nz``, ``v``),
        ``freq`` (Int64, optional jieba frequency; missing → jieba's ``suggest_freq``), ``source``
        (where it was found: ``report p.N``, a ``doc_id``, or ``national corpus``), ``example``
        (verbatim context, line breaks of the PDF removed), ``note``. Sorted by ``term``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Naming file, row (1-based data row, header = row 1) and field, for every problem: the file
        against the ``userdict`` schema (wrong columns, a value breaking a column's rule), an empty
        or duplicate term, a term with characters jieba cannot keep whole, a bad POS tag, a
        frequency that is not a positive integer, or an example not containing its term.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"user dictionary not found: {path}")
    schema = schemas()["userdict"]
    if path.resolve() != Path(USERDICT_CSV).resolve():
        # a researcher's own dictionary: same columns and term rules, but its sources are free text
        import pandera.pandas as pa   # here, not at import: 0.4 s of every kernel start otherwise

        schema = schema.update_column("source", checks=[pa.Check.str_length(min_value=1)])
    df, found = read_table(path, schema)
    problems: list[tuple[int | None, str | None, str]] = []
    if df is not None:
        seen: dict[str, int] = {}
        for i, row in enumerate(df.itertuples(index=False), start=2):
            term = row.term
            if pd.isna(term) or not str(term).strip():
                problems.append((i, "term", "empty"))
                continue
            if not _TERM_RE.match(term):
                bad = sorted({c for c in term if not _TERM_RE.match(c)})
                problems.append((i, "term", f"{term!r} contains {bad!r}; jieba splits on these characters "
                                            "(see jieba.re_han_default), the term could never match"))
            if term in seen:
                problems.append((i, "term", f"duplicate of row {seen[term]} ({term!r})"))
            seen.setdefault(term, i)
            if pd.isna(row.pos) or not _TERM_POS_RE.match(row.pos):
                problems.append((i, "pos", f"{row.pos!r} is not a jieba tag like n/nz/v/vn"))
            if pd.isna(row.source) or not str(row.source).strip():
                problems.append((i, "source", f"empty (where was {term!r} found?)"))
            if pd.isna(row.example) or (isinstance(term, str) and term not in normalize(str(row.example))):
                problems.append((i, "example", f"must contain the term {term!r}"))
    # schema problems (header, a freq that is not an integer or < 1, a source outside the
    # documented forms, ...) for cells the checks above did not already name; duplicates are
    # reported above (each repeat, naming the first row)
    named = {(row, field) for row, field, _ in problems}
    problems += [(p.line, p.column, p.message) for p in found
                 if (p.line, p.column) not in named and not p.message.startswith("duplicate value")]
    if problems:
        lines = []
        for row, field, msg in problems:
            where = f"{path}:" + (f" row {row}," if row is not None else "") + (f" field {field}:" if field else "")
            lines.append(f"{where} {msg}")
        raise ValueError("invalid user dictionary:\n" + "\n".join(lines))
    return df.sort_values("term", kind="stable").reset_index(drop=True)


def dictionary_version(path: Path | str = USERDICT_CSV, pos: bool = False) -> str:
    """Short hash identifying a segmentation setup: user-dictionary bytes, jieba version,
    normalisation version and mode (plain or POS). Used as the token-cache namespace."""
    import jieba

    h = hashlib.sha256()
    for part in (_file_sha256(Path(path)), jieba.__version__, NORMALIZE_VERSION, "pos" if pos else "cut", "hmm"):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:16]


def _quiet_jieba() -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)


#: The engine line of each user dictionary whose tokenizer was built (path → line); see :func:`engine`.
_ENGINES: dict[str, str] = {}


#: The self-check sample of each user dictionary whose tokenizer was built (path → normalised texts).
_CHECK_TEXTS: dict[str, list[str]] = {}


def _self_check_texts(userdict: pd.DataFrame) -> list[str]:
    """The fixed self-check sample: :data:`analysis.text.engine.SELF_CHECK_TEXTS` and the example sentence of
    every term of the user dictionary, normalised."""
    from .engine import SELF_CHECK_TEXTS

    examples = userdict["example"].dropna().astype(str)
    return [normalize(t) for t in (*SELF_CHECK_TEXTS, *examples)]


@lru_cache(maxsize=4)
def _tokenizers(path: str, digest: str):
    import jieba

    from . import engine as eng

    _quiet_jieba()
    fast = eng.rust_prefix_dict_class() is not None
    tok = eng.RouteTokenizer() if fast else jieba.Tokenizer()
    tok.tmp_dir = str(CACHE_DIR / "jieba")      # jieba's prefix-dict cache, inside the project cache
    Path(tok.tmp_dir).mkdir(parents=True, exist_ok=True)
    tok.initialize()
    userdict = load_userdict(path)
    for row in userdict.itertuples(index=False):
        freq = None if pd.isna(row.freq) else int(row.freq)
        tok.add_word(row.term, freq, row.pos)
    why = tok.use_rust_route() if fast else ("jieba-next is not installed" if eng.jieba_next_version() is None
                                            else f"{eng.ENV_VAR}=jieba")
    if why is None:
        texts = _CHECK_TEXTS[path] = _self_check_texts(userdict)
        bad = eng.self_check(tok, texts)
        if bad:
            tok._route = None
            why = f"self-check: {len(bad)} of {len(texts)} sample texts segmented differently, e.g. {bad[0]!r:.60}"
    line = eng.describe(tok, why)
    _ENGINES[path] = line
    _log.info("word segmentation: %s", line)
    return tok


@lru_cache(maxsize=4)
def _pos_tokenizer(path: str, digest: str):
    # built only when POS tags are asked for: importing jieba.posseg and reading the tag table costs
    # about 1–2 s, half of a worker process's start-up for plain segmentation
    import jieba.posseg

    from . import engine as eng

    base = _tokenizers(path, digest)
    if getattr(base, "_route", None) is None:
        return jieba.posseg.POSTokenizer(base)
    tok = eng.route_pos_tokenizer_class()(base)
    texts = _CHECK_TEXTS[path]
    bad = eng.self_check(tok, texts, pos=True)
    if bad:     # POS tags from jieba's own route; plain segmentation keeps the (checked) Rust route
        _ENGINES[path] += f"; POS tags from jieba's route (self-check: {len(bad)} sample texts tagged differently)"
        _log.info("word segmentation: %s", _ENGINES[path])
        return jieba.posseg.POSTokenizer(base)
    return tok


def get_tokenizer(path: Path | str = USERDICT_CSV, pos: bool = False):
    """Return the private jieba tokenizer with the user dictionary loaded.

    With jieba-next installed (``pip install .[fast]``) and its route proven equal at start-up, the tokenizer is
    :class:`analysis.text.engine.RouteTokenizer` (a :class:`jieba.Tokenizer` whose DAG route comes from Rust);
    otherwise a plain :class:`jieba.Tokenizer`. :func:`engine` says which.

    Parameters
    ----------
    path : path, default ``data/curated/userdict.csv``
    pos : bool
        ``False`` → :class:`jieba.Tokenizer`; ``True`` → :class:`jieba.posseg.POSTokenizer` over it.
    """
    path = Path(path).resolve()
    digest = _file_sha256(path)
    return _pos_tokenizer(str(path), digest) if pos else _tokenizers(str(path), digest)


def engine(path: Path | str = USERDICT_CSV) -> str:
    """One line naming the word-segmentation engine in use for a user dictionary (loads the tokenizer if needed):
    ``"jieba 0.42.1 with jieba-next 1.0.0rc1's Rust route (self-check: tokens identical to jieba)"`` or
    ``"jieba 0.42.1 (jieba-next is not installed)"``. Also ``analysis.text.tokens.ENGINE`` (project dictionary)
    and, at INFO level, the ``analysis.text.tokens`` logger when the tokenizer is built."""
    get_tokenizer(path)
    return _ENGINES[str(Path(path).resolve())]


def __getattr__(name: str):
    # ENGINE is resolved on first use (PEP 562): naming the engine means loading the dictionary, which an
    # import of this module must not do
    if name == "ENGINE":
        return engine()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _segment_raw(norm_text: str, pos: bool, path: Path | str = USERDICT_CSV, tok=None
                 ) -> tuple[list[str], list[str] | None]:
    """Segment one normalised text with one ``tok.cut`` of the whole text (the reference that
    :func:`_segment_chunk`'s block memo must equal); ``tok`` is the tokenizer from :func:`get_tokenizer`
    (looked up when not given — pass it when segmenting many texts)."""
    if tok is None:
        tok = get_tokenizer(path, pos=pos)
    words, flags = _cut_block(tok, norm_text, pos)
    return list(words), (list(flags) if pos else None)


# --------------------------------------------------------------------------------------------
# Stopwords
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _stopword_set(kind: str, digest: str) -> frozenset[str]:
    if kind == "general":
        words = GENERAL_STOPWORDS_TXT.read_text(encoding="utf-8").split("\n")
        return frozenset(w.strip() for w in words if w.strip())
    df, problems = read_table(POLICY_STOPWORDS_CSV, schemas()["stopwords_policy"])
    if problems:
        raise DataError(problems)
    empty = df.index[df["word"].str.strip() == ""].tolist()
    if empty:
        raise ValueError(f"{POLICY_STOPWORDS_CSV}: row {empty[0] + 2}, field word: empty")
    return frozenset(df["word"].str.strip())


def stopwords(kind: str | Iterable[str] = DEFAULT_STOP) -> frozenset[str]:
    """The stopword set for one kind or the union of several.

    Parameters
    ----------
    kind : str or iterable of str
        ``"general"`` — stopwords-iso Chinese list (``data/raw/stopwords-iso-zh/stopwords-zh.txt``,
        793 words, MIT); ``"policy"`` — policy/legal boilerplate
        (``data/curated/stopwords_policy.csv``, each with reason and evidence). Default: both.
        An empty tuple gives the empty set.

    Returns
    -------
    frozenset of str
    """
    kinds = (kind,) if isinstance(kind, str) else tuple(kind or ())
    out: frozenset[str] = frozenset()
    for k in kinds:
        if k not in STOPWORD_KINDS:
            raise ValueError(f"unknown stopword kind {k!r}; choose from {STOPWORD_KINDS}")
        path = GENERAL_STOPWORDS_TXT if k == "general" else POLICY_STOPWORDS_CSV
        out = out | _stopword_set(k, _file_sha256(path))
    return out


# --------------------------------------------------------------------------------------------
# Token filters
# --------------------------------------------------------------------------------------------
_HAS_CONTENT = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFFa-zA-Z0-9]")
_NUMERIC = re.compile(r"^[0-9.%+\-]+$|^第?[一二三四五六七八九十百千零〇两]+[条款项章节编]$")
#: List markers (一是, 二是, 三是 … "firstly, secondly, thirdly"): list syntax, not content, always dropped;
#: they topped the keyness of policy texts against national law before they were.
LIST_MARKER = re.compile(r"^[一二三四五六七八九十]+是$")
#: Unit/date characters dropped together with the number token they follow (``2021``+``年``).
NUMBER_UNITS = frozenset("年月日号时分秒个万亿元项家次倍岁多余")


#: word → 0 (no content, or a list marker like 一是: dropped), 1 (a number or 第X条-style numeral),
#: 2 (anything else): the three regular expressions of :func:`_filter` run once per distinct word.
_WORD_CLASS: dict[str, int] = {}
_WORD_CLASS_MAX = 500_000


def _word_class(w: str) -> int:
    c = _WORD_CLASS.get(w)
    if c is None:
        c = 0 if not _HAS_CONTENT.search(w) or LIST_MARKER.match(w) else 1 if _NUMERIC.match(w) else 2
        if len(_WORD_CLASS) >= _WORD_CLASS_MAX:
            _WORD_CLASS.clear()
        _WORD_CLASS[w] = c
    return c


def _filter(words: Sequence[str], flags: Sequence[str] | None, stop: frozenset[str],
            numbers: bool, keep_pos: tuple[str, ...] | None, with_pos: bool):
    out = []
    prev_num = False
    for i, w in enumerate(words):
        c = _WORD_CLASS.get(w)
        if c is None:
            c = _word_class(w)
        if c == 0:
            prev_num = False
            continue
        if c == 1:
            prev_num = True
            if not numbers:
                continue
        elif prev_num and not numbers and w in NUMBER_UNITS:
            prev_num = False
            continue
        else:
            prev_num = False
        if w in stop:
            continue
        if keep_pos is not None and not flags[i].startswith(keep_pos):
            continue
        out.append((w, flags[i]) if with_pos else w)
    return out


def _stop_set(stop) -> frozenset[str]:
    if stop is None or stop is False:
        return frozenset()
    if isinstance(stop, frozenset):
        return stop
    if isinstance(stop, str):
        return stopwords(stop)
    stop = tuple(stop)
    if all(s in STOPWORD_KINDS for s in stop):
        return stopwords(stop)
    return frozenset(stop)   # an explicit collection of words


# --------------------------------------------------------------------------------------------
# Disk cache
# --------------------------------------------------------------------------------------------
_MEM: dict[str, dict[str, tuple]] = {}        # version -> key -> (words, flags)
_LOADED: dict[str, set[str]] = {}             # version -> cache files already read


def _key(norm_text: str) -> str:
    return hashlib.sha256(norm_text.encode("utf-8")).hexdigest()


def _cache_lookup(version: str, keys: Iterable[str]) -> dict[str, tuple]:
    mem = _MEM.setdefault(version, {})
    loaded = _LOADED.setdefault(version, set())
    base = TOKEN_CACHE_DIR / version
    need_shards = sorted({k[:2] for k in keys if k not in mem})
    for shard in need_shards:
        d = base / shard
        if not d.is_dir():
            continue
        for f in sorted(d.glob("*.pkl")):
            if f.name in loaded:
                continue
            try:
                with open(f, "rb") as fh:
                    mem.update(pickle.load(fh))
            except (OSError, EOFError, pickle.UnpicklingError) as exc:   # corrupt entry: recompute
                _log.warning("ignoring unreadable token-cache file %s: %s", f, exc)
            loaded.add(f.name)
    return mem


def _canonical(obj):
    """A copy whose pickle bytes do not depend on object identity: strings interned (always shared),
    tuples and lists rebuilt (never shared). Without this, pickle's memo makes the bytes depend on
    which equal strings happened to be the same object, and a rebuilt cache differs byte for byte."""
    if isinstance(obj, str):
        return sys.intern(obj)
    if isinstance(obj, tuple):
        return tuple(_canonical(x) for x in obj)
    if isinstance(obj, list):
        return [_canonical(x) for x in obj]
    return obj


def _cache_store(version: str, entries: dict[str, tuple]) -> None:
    by_shard: dict[str, dict[str, tuple]] = {}
    for k in sorted(entries):
        by_shard.setdefault(k[:2], {})[k] = entries[k]
    for shard, part in by_shard.items():
        d = TOKEN_CACHE_DIR / version / shard
        d.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256("".join(part).encode()).hexdigest()[:24] + ".pkl"
        target = d / name
        if target.exists():
            _LOADED.setdefault(version, set()).add(name)
            continue
        # A new name per content: an existing shard file is never rewritten, only created once
        # (temporary file in the same folder, renamed over the target; never matches ``*.pkl``).
        # values come from _segment_chunk: interned strings, new tuples — canonical already
        atomic_write(target, lambda fh, obj=part: pickle.dump(obj, fh, protocol=5))
        _LOADED.setdefault(version, set()).add(name)


def clear_cache() -> int:
    """Delete the on-disk token cache (all dictionary versions) and the in-memory copy.

    Returns
    -------
    int
        Number of cache files removed.
    """
    import shutil

    n = sum(1 for _ in TOKEN_CACHE_DIR.rglob("*.pkl")) if TOKEN_CACHE_DIR.exists() else 0
    shutil.rmtree(TOKEN_CACHE_DIR, ignore_errors=True)
    _MEM.clear()
    _LOADED.clear()
    return n


# --------------------------------------------------------------------------------------------
# Public tokenisation API
# --------------------------------------------------------------------------------------------
#: Distinct jieba blocks remembered by :func:`_segment_chunk` before its memo starts afresh (bounds
#: the memo at a few tens of MB whatever the batch size).
BLOCK_MEMO_MAX = 200_000


def _cut_block(tok, block: str, pos: bool) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """jieba's segmentation of one block (``tok.cut`` of the block alone), whitespace dropped, every
    word and flag interned."""
    intern = sys.intern
    if pos:
        words, flags = [], []
        for p in tok.cut(block, HMM=True):
            if not p.word.isspace():
                words.append(intern(p.word))
                flags.append(intern(p.flag))
        return tuple(words), tuple(flags)
    return tuple(intern(w) for w in tok.cut(block, HMM=True) if not w.isspace()), None


def _segment_chunk(norm_texts: Sequence[str], pos: bool, path: str) -> list[tuple]:
    """Segment texts with no cache: ``(words, flags)`` tuples (``flags`` None unless ``pos``).
    A plain function of picklable arguments, so worker processes can run it.

    Two exact shortcuts, the tokens identical to :func:`_segment_raw` text by text (tested on every
    shipped corpus, with and without POS tags; tests/benchmarks/cold_tokens.md):

    * jieba splits a text at the same regular expression before it segments
      (``jieba.re_han_default`` in ``Tokenizer.cut``, ``jieba.posseg.re_han_internal`` in
      ``POSTokenizer.cut``) and segments every piece on its own, so ``tok.cut(piece)`` of each piece
      concatenated is ``tok.cut(text)``. A piece seen before in this batch (legal text repeats
      县级以上人民政府, 依照本法规定 …: about 30 % of the national corpus's characters) is looked up, not
      segmented again; the memo holds at most :data:`BLOCK_MEMO_MAX` pieces.
    * Words and flags are interned and every text's tuples are new objects, so the result pickles to
      the same bytes whichever equal strings were shared (what :func:`_canonical` would make of it),
      and the cache stores it without another copy.
    """
    import jieba
    import jieba.posseg

    _quiet_jieba()
    tok = get_tokenizer(path, pos=pos)
    split = (jieba.posseg.re_han_internal if pos else jieba.re_han_default).split
    memo: dict[str, tuple] = {}
    out = []
    for t in norm_texts:
        words: list[str] = []
        flags: list[str] | None = [] if pos else None
        for block in split(t):
            if not block:
                continue
            seg = memo.get(block)
            if seg is None:
                if len(memo) >= BLOCK_MEMO_MAX:
                    memo.clear()
                seg = memo[block] = _cut_block(tok, block, pos)
            words += seg[0]
            if pos:
                flags += seg[1]
        out.append((tuple(words), tuple(flags) if pos else None))
    return out


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the OS tells it, else ``os.cpu_count()``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def idle_cores() -> int:
    """Cores not busy right now: :func:`available_cores` minus the 1-minute load average (at least 1).
    On a loaded machine extra processes only add start-up cost (tests/benchmarks/cold_tokens.md)."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        load = 0.0
    return max(1, min(available_cores(), int(available_cores() - load + 0.5)))


#: Below this many characters to segment, ``jobs > 1`` runs in this process: starting a worker
#: process, importing the package and loading jieba with the dictionary costs 1.5–4 s (more on a loaded
#: machine), worth 0.5–1.5 M characters of segmentation (tests/benchmarks/cold_tokens.md).
PARALLEL_MIN_CHARS = 3_000_000


def _segment_fresh(norm_texts: Sequence[str], pos: bool, path, jobs: int = 1) -> list[tuple]:
    """Segment without the cache, in ``jobs`` processes when worth it. Each text's segmentation does
    not depend on which process runs it (one private tokenizer per process, same dictionary), so
    the tokens are identical to a serial run; the chunks are contiguous and reassembled in order.

    The processes come from :class:`concurrent.futures.ProcessPoolExecutor` (``spawn``: safe inside
    Jupyter kernels and threaded programs). Dask's multiprocessing scheduler did the same job 1.4–2×
    slower here (its task and result serialisation for 10^5 token tuples), so it is kept for the
    corpus-scale path (:mod:`analysis.distributed`), not for this one.
    """
    path = str(Path(path).resolve())
    if jobs <= 1 or len(norm_texts) < 2 * jobs or sum(map(len, norm_texts)) < PARALLEL_MIN_CHARS:
        return _segment_chunk(norm_texts, pos, path)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    bounds = [round(i * len(norm_texts) / jobs) for i in range(jobs + 1)]
    chunks = [list(norm_texts[a:b]) for a, b in zip(bounds, bounds[1:])]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = list(pool.map(_segment_chunk, chunks, [pos] * jobs, [path] * jobs))
    # strings unpickled from different processes are different objects: intern them again so the
    # cache files are the bytes a serial run writes
    return [_canonical(seg) for part in parts for seg in part]


def _partition_file(version: str, keys: Sequence[str]) -> Path:
    return TOKEN_CACHE_DIR / version / "partitions" / (hashlib.sha256("".join(keys).encode()).hexdigest()[:32] + ".pkl")


def _segment_many(norm_texts: Sequence[str], pos: bool, cache, path, jobs: int = 1) -> list[tuple]:
    if cache not in (True, False, "partition"):
        raise ValueError(f"cache must be True, False or 'partition', got {cache!r}")
    if not cache:
        uniq = list(dict.fromkeys(norm_texts))
        segs = dict(zip(uniq, _segment_fresh(uniq, pos, path, jobs)))
        return [segs[t] for t in norm_texts]
    version = dictionary_version(path, pos=pos)
    keys = [_key(t) for t in norm_texts]
    if cache == "partition":
        # one file per batch of texts, read whole or not at all: nothing is kept in this process
        # between calls, so a worker's memory does not grow with the corpus it has seen
        target = _partition_file(version, keys)
        try:
            with open(target, "rb") as fh:
                got = pickle.load(fh)
            return [got[k] for k in keys]
        except FileNotFoundError:
            pass
        except (OSError, EOFError, KeyError, pickle.UnpicklingError) as exc:
            _log.warning("ignoring unreadable token-cache file %s: %s", target, exc)
        uniq = dict(zip(keys, norm_texts))
        got = dict(zip(uniq, _segment_fresh(list(uniq.values()), pos, path, jobs)))
        target.parent.mkdir(parents=True, exist_ok=True)
        canonical = {k: got[k] for k in sorted(got)}    # canonical already (_segment_chunk)
        atomic_write(target, lambda fh, obj=canonical: pickle.dump(obj, fh, protocol=5))
        return [got[k] for k in keys]
    mem = _cache_lookup(version, keys)
    missing: dict[str, str] = {}
    for k, t in zip(keys, norm_texts):
        if k not in mem and k not in missing:
            missing[k] = t
    if missing:
        fresh = dict(zip(missing, _segment_fresh(list(missing.values()), pos, path, jobs)))
        _cache_store(version, fresh)
        mem.update(fresh)
    return [mem[k] for k in keys]


def tokenize(text: str, pos: bool = False, keep_pos: Iterable[str] | None = None,
             stop=DEFAULT_STOP, numbers: bool = False, cache: bool = False,
             userdict: Path | str = USERDICT_CSV) -> list:
    """Segment one text into tokens.

    Parameters
    ----------
    text : str
        Raw text; :func:`normalize` is applied first.
    pos : bool
        Return ``(word, flag)`` pairs (jieba.posseg tags) instead of words.
    keep_pos : iterable of str, optional
        Keep only tokens whose POS tag starts with one of these prefixes (``("n", "v")`` keeps
        ``n, nr, ns, nz, vn, v, …``). Uses POS segmentation even when ``pos=False``.
    stop : kinds, words or None
        ``("general", "policy")`` (default), ``"general"``, ``"policy"``, an explicit collection of
        words, or ``None``/``()`` for no stopword removal.
    numbers : bool
        ``False`` (default) drops numeric tokens (ASCII digits with ``.%+-``, and Chinese ordinals
        like ``第二十一条``) together with a unit/date character right after them (``年 月 日 个 万
        亿 元 …``: ``2021年`` disappears, ``年`` elsewhere is left to the stopword list). ``True``
        keeps them.
    cache : bool
        Use the on-disk token cache (worth it for batches; see :func:`tokenize_series`).
    userdict : path
        User dictionary CSV.

    Returns
    -------
    list of str, or list of (str, str)
        Tokens in text order. Tokens without any CJK character, ASCII letter or digit
        (punctuation) are always removed; single CJK characters are kept unless they are stopwords.
    """
    return tokenize_series(pd.Series([text]), pos=pos, keep_pos=keep_pos, stop=stop,
                           numbers=numbers, cache=cache, userdict=userdict).iloc[0]


def tokenize_series(texts, pos: bool = False, keep_pos: Iterable[str] | None = None,
                    stop=DEFAULT_STOP, numbers: bool = False, cache: bool | str = True,
                    userdict: Path | str = USERDICT_CSV, jobs: int = 1) -> pd.Series:
    """Tokenise a Series (or list) of texts; same parameters as :func:`tokenize`, plus:

    Parameters
    ----------
    cache : True, False or "partition"
        ``True`` (default): segmentations are read from and written to the shared token cache
        ``CACHE_DIR/tokens/`` and kept in memory for later calls. ``"partition"``: the whole batch is
        one cache file, keyed by the hashes of its texts, read whole or segmented and written
        whole, and nothing is kept in memory (what :mod:`analysis.distributed` uses per partition, so
        a worker's memory stays flat). ``False``: no cache.
    jobs : int
        Worker processes for the texts that must be segmented (cache misses); the tokens are
        identical to ``jobs=1``. Batches under :data:`PARALLEL_MIN_CHARS` characters are segmented
        in this process.

    Repeated texts are segmented once.

    Returns
    -------
    pandas.Series
        One list of tokens per input text, with the input's index (a RangeIndex for a list).
    """
    if not isinstance(texts, pd.Series):
        texts = pd.Series(list(texts), dtype="object")
    norm = [normalize(t) for t in texts.tolist()]
    keep = tuple(keep_pos) if keep_pos is not None else None
    need_pos = pos or keep is not None
    segs = _segment_many(norm, need_pos, cache, userdict, jobs)
    stop_set = _stop_set(stop)
    out = [_filter(w, f, stop_set, numbers, keep, pos) for w, f in segs]
    return pd.Series(out, index=texts.index, dtype="object", name="tokens")


class Tokenizer:
    """Picklable callable text → tokens for scikit-learn (``TfidfVectorizer(tokenizer=Tokenizer())``).

    Call :meth:`prime` with the corpus first to fill the memo from the disk cache in one batch;
    unknown texts are segmented on the fly.
    """

    def __init__(self, stop=DEFAULT_STOP, numbers: bool = False, keep_pos=None,
                 userdict: Path | str = USERDICT_CSV):
        self.stop = stop if isinstance(stop, (str, type(None))) else tuple(stop)
        self.numbers = numbers
        self.keep_pos = tuple(keep_pos) if keep_pos is not None else None
        self.userdict = str(userdict)
        self._memo: dict[str, list[str]] = {}

    def _kw(self):
        return dict(stop=self.stop, numbers=self.numbers, keep_pos=self.keep_pos, userdict=self.userdict)

    def prime(self, texts) -> "Tokenizer":
        texts = list(texts)
        toks = tokenize_series(texts, **self._kw())
        self._memo.update(zip(texts, toks))
        return self

    def __call__(self, text: str) -> list[str]:
        got = self._memo.get(text)
        if got is None:
            got = tokenize(text, cache=False, **self._kw())
            self._memo[text] = got
        return got

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_memo"] = {}
        return state
