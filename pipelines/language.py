"""Language of an article, detected from its text with py3langid (its model ships in the wheel: no downloads).

Which language an article is coded in decides which spaCy model reads it, so a wrong guess either
codes French with the English model or loses an English article. The rules, measured on the 3,121
blurbs in 55 languages of ../shared/data/news/multilingual_itn_blurbs.jsonl.gz (BENCHMARKS.md):

- a declared `language` stands unless the detector is at least 90% sure of another (a mislabelled
  feed), or the detector does not know the declared code at all (Scots, Yiddish: it then stands);
- with no declared language, the detector's choice when it is at least 70% sure; on a short or mixed
  text it is not, and then an accepted language among its three likeliest wins (a two-word English
  headline must not be lost), else its first choice.
"""

from __future__ import annotations

from functools import lru_cache

DECLARED_OVERRIDE_CONFIDENCE = 0.9
UNDECLARED_CONFIDENCE = 0.7
UNDECLARED_CANDIDATES = 3
MIN_DETECTABLE_BYTES = 40  # UTF-8 bytes: 40 Latin letters, 13 Chinese characters


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def known_languages() -> frozenset[str]:
    return frozenset(_identifier().labels)


def primary_code(code: str) -> str:
    """'en-GB', 'EN_us' -> 'en'; the detector and the model table use ISO 639 primary codes."""
    return code.strip().lower().replace("_", "-").split("-")[0]


def detect(text: str, declared: str | None = None, accepted: tuple[str, ...] = ("en",)) -> str:
    """The language code `text` is coded in (see the module docstring for the rules)."""
    identifier = _identifier()
    ranked = identifier.rank(text)
    best, confidence = ranked[0]
    if declared:
        declared = primary_code(declared)
        if declared not in known_languages() or best == declared or confidence < DECLARED_OVERRIDE_CONFIDENCE:
            return declared
        return best
    if len(text.strip().encode("utf-8")) < MIN_DETECTABLE_BYTES and accepted:
        return accepted[0]  # "t\nb": too short to tell; the first accepted language, as before detection existed
    if confidence >= UNDECLARED_CONFIDENCE:
        return best
    return next((code for code, _ in ranked[:UNDECLARED_CANDIDATES] if code in accepted), best)
