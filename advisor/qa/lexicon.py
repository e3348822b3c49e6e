"""Tokenising and query expansion: jieba with the domain vocabulary, synonym groups and the English glossary.

Example:
    >>> lex = Lexicon.load()
    >>> "一把手工程" in lex.expand("老板要怎么参与？").added
    True
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from advisor.config import knowledge_path
from advisor.language import is_english

_jieba_lock = threading.Lock()


@dataclass
class Expansion:
    query: str
    added: list[str] = field(default_factory=list)  # guide terms added by synonyms or the glossary
    english: bool = False

    @property
    def text(self) -> str:
        return " ".join([self.query, *self.added])


class Lexicon:
    def __init__(self, groups: list[list[str]], glossary: dict[str, str], extra_words: list[str] = (),
                 stopwords: frozenset[str] = frozenset()) -> None:
        self.stopwords = stopwords
        self.groups = [[str(t) for t in g] for g in groups]
        self.glossary = {k.lower(): v for k, v in glossary.items()}
        self._glossary_keys = sorted(self.glossary, key=len, reverse=True)
        self._jieba = None
        self._extra_words = [*extra_words, *(t for g in self.groups for t in g)]

    @classmethod
    def load(cls, lexicon_dir: Path | None = None) -> Lexicon:
        """The lexicon of ``lexicon_dir`` (default: the one of the knowledge folder in effect), read once."""
        return cls._read(lexicon_dir or knowledge_path("lexicon"))

    @classmethod
    @lru_cache(maxsize=4)
    def _read(cls, lexicon_dir: Path) -> Lexicon:
        groups = yaml.safe_load((lexicon_dir / "synonyms.yaml").read_text("utf-8"))["groups"]
        glossary = yaml.safe_load((lexicon_dir / "glossary_en.yaml").read_text("utf-8"))["terms"]
        stopwords = yaml.safe_load((lexicon_dir / "stopwords.yaml").read_text("utf-8"))["words"]
        return cls(groups, glossary, stopwords=frozenset(map(str, stopwords)))

    def add_words(self, words: list[str]) -> None:
        """Teach the tokenizer the corpus' own terms (clause titles) so they stay whole."""
        self._extra_words.extend(words)
        if self._jieba is not None:
            for w in words:
                self._jieba.add_word(w)

    def _tokenizer(self):
        with _jieba_lock:
            if self._jieba is None:
                import jieba
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                for w in self._extra_words:
                    if len(w) >= 2:
                        tok.add_word(w, freq=20000)
                self._jieba = tok
            return self._jieba

    def tokenize(self, text: str) -> list[str]:
        tokens = []
        for tok in self._tokenizer().cut_for_search(text.lower()):
            tok = tok.strip()
            if tok and tok not in self.stopwords and not re.fullmatch(r"[\W_]+", tok):
                tokens.append(tok)
        return tokens

    def expand(self, query: str) -> Expansion:
        lowered = query.lower()
        exp = Expansion(query=query, english=is_english(query))
        for key in (self._glossary_keys if exp.english else ()):
            if re.search(rf"(?<![a-z]){re.escape(key)}(?![a-z])", lowered):
                for term in self.glossary[key].split():
                    if term not in exp.added:
                        exp.added.append(term)
                lowered = lowered.replace(key, " ")
        for group in self.groups:
            canonical = group[0]
            if canonical in query:
                continue
            for term in group[1:]:
                hit = (re.search(rf"(?<![a-z]){re.escape(term.lower())}(?![a-z])", lowered)
                       if term.isascii() else term in query)
                if hit:
                    if canonical not in exp.added:
                        exp.added.append(canonical)
                    break
        return exp
