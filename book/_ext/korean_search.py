"""The Korean edition's search: the index holds each Korean word without its particle, so
that a search for 학습률 finds 학습률을 and 학습률이."""
import functools
import re

from sphinx.search.en import SearchEnglish

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# What follows a Korean word's stem: particles (J), endings (E), the copula and the
# suffixes that make verbs of nouns (발산 + 하 + ㅂ니다)
INFLECTION = ("J", "E", "VCP", "XSV", "XSA")


@functools.lru_cache(maxsize=1)
def kiwi():
    from kiwipiepy import Kiwi
    return Kiwi()


class SearchKorean(SearchEnglish):
    """English stemming for English words; a Korean word is indexed as its stem (the word
    up to its particle or ending) and as each noun it is made of."""
    lang = "ko"
    language_name = "Korean"

    def split(self, text):
        return [term for word in super().split(text)
                for term in (self.korean_terms(word) if HANGUL.search(word) else [word])]

    @staticmethod
    @functools.lru_cache(maxsize=None)
    def korean_terms(word):
        tokens = kiwi().tokenize(word)
        end = next((t.start for t in tokens[1:] if t.tag.startswith(INFLECTION)), len(word))
        stem = word[:end] or word  # 합니다: the ending starts where the verb does
        return [stem, *(t.form for t in tokens if t.tag in ("NNG", "NNP") and t.form != stem)]


def setup(app):
    app.add_search_language(SearchKorean)
    return {"parallel_read_safe": True}
