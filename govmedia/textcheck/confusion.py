"""Offline confusion data: word frequencies, same-pinyin and same-shape characters.

Vendored from the pycorrector 1.1.4 wheel (Apache-2.0, see ``data/pycorrector/NOTICE.txt``);
loaded lazily and cached. Used for two things:

- the statistical typo detector: common set phrases (成语, 固定搭配) with one character
  replaced by a same-sound or same-shape character, kept only when the result is never a
  word (not in the word list, and no word of the list overlaps the replaced character) —
  so a hit is an unseen misspelling, not an unusual but valid word;
- wrong-character variants of leaders' names (``leaders.py``).
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

_DATA = "data/pycorrector"

#: parts of speech (jieba tags) of the words whose misspellings we look for: idioms, set
#: phrases, nouns, verbs. Names of people and places (nr, ns, nrt, nrfg) are left out:
#: a rare name one character away from a famous one is usually a different person.
_PHRASE_POS = frozenset({"i", "l", "n", "v", "vn", "nz", "nt", "a", "d", "an", "j"})


def _open(name: str):
    return gzip.open(
        resources.files(__package__).joinpath(_DATA).joinpath(name).open("rb"), "rt", encoding="utf-8"
    )


@cache
def word_freq() -> dict[str, int]:
    """Words (≥ 2 characters) → frequency."""
    freq: dict[str, int] = {}
    with _open("word_freq.tsv.gz") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            freq[parts[0]] = int(parts[1])
    return freq


@cache
def _phrases(min_len: int, min_freq: int) -> tuple[tuple[str, int], ...]:
    out = []
    with _open("word_freq.tsv.gz") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts[0]) >= min_len and int(parts[1]) >= min_freq and parts[2] in _PHRASE_POS:
                out.append((parts[0], int(parts[1])))
    return tuple(out)


@cache
def same_pinyin() -> dict[str, tuple[str, str]]:
    """Character → (同音同调 characters, 同音异调 characters)."""
    table: dict[str, tuple[str, str]] = {}
    with _open("same_pinyin.tsv.gz") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t") + ["", ""]
            table[parts[0]] = (parts[1], parts[2])
    return table


@cache
def same_stroke() -> dict[str, str]:
    """Character → characters of similar shape (形近字)."""
    table: dict[str, set[str]] = {}
    with _open("same_stroke.tsv.gz") as f:
        for line in f:
            group = line.split()
            for ch in group:
                table.setdefault(ch, set()).update(c for c in group if c != ch)
    return {ch: "".join(sorted(others)) for ch, others in table.items()}


def confusable(ch: str, *, other_tones: bool = False) -> str:
    """Characters a writer may type instead of ``ch`` (same sound, optionally other tones, same shape)."""
    tone, toneless = same_pinyin().get(ch, ("", ""))
    return tone + (toneless if other_tones else "") + same_stroke().get(ch, "")


def overlaps_a_word(variant: str, pos: int, words: dict[str, int]) -> bool:
    n = len(variant)
    for a in range(pos + 1):
        for b in range(max(pos + 1, a + 2), n + 1):
            if (a, b) != (0, n) and variant[a:b] in words:
                return True
    return False


@cache
def phrase_variants(min_freq: int = 30) -> dict[str, str]:
    """Misspelling → correct phrase, for set phrases of ≥ 4 characters seen ≥ ``min_freq`` times.

    Only same-tone homophones and same-shape characters are substituted (the errors of
    pinyin input and of reading); a variant is kept only if it is never a word itself.
    """
    words = word_freq()
    out: dict[str, str] = {}
    ambiguous: set[str] = set()
    for phrase, _ in _phrases(4, min_freq):
        for i, ch in enumerate(phrase):
            for alt in set(confusable(ch)):
                if alt == ch:
                    continue
                variant = phrase[:i] + alt + phrase[i + 1 :]
                if variant in words or overlaps_a_word(variant, i, words):
                    continue
                if variant in out and out[variant] != phrase:
                    ambiguous.add(variant)
                out[variant] = phrase
    for variant in ambiguous:
        del out[variant]
    return out
