"""Which language each contact is in, so that only languages the rubric has phrase lists for
are scored (pure: turns in, one language per contact out; the only file read is the model
inside the py3langid package, once per process).

The identifier is py3langid (BSD; its naive Bayes model over byte n-grams ships inside the
wheel, so nothing is downloaded at run time). Text is cleaned first: URLs, e-mail addresses,
@handles, anything holding a digit (order numbers, amounts, times) and emoji or other symbols
are removed, and system turns are left out. A contact whose customer's own opening is clearly
in a supported language is settled by it (most contacts; it costs a fifth of a full look);
any other is classified on its agent and customer text together. Short or ambiguous text is
never called another language: a contact is marked unsupported only when its sample has at
least ``MIN_LETTERS`` letters and py3langid's normalised probability for an unsupported
language is at least ``MIN_PROBABILITY``; otherwise it is scored in the supported language
the identifier ranks highest (the rubric's first language when the text is too short).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import Final

import polars as pl

# Languages the identifier chooses among (besides the rubric's own): those a contact centre
# most often meets, in Latin and other scripts. A smaller set is faster and confuses short
# English less often (the full model knows 139 languages).
CANDIDATES: Final = (
    "en", "es", "fr", "de", "it", "pt", "nl", "pl", "sv", "da", "no", "fi", "ro", "cs", "hu",
    "el", "tr", "ru", "uk", "ar", "he", "hi", "zh", "ja", "ko", "vi", "id", "tl",
)  # fmt: skip
# py3langid's "not a language" class (numbers, markup, identifiers): never a verdict.
NOT_LANGUAGE: Final = "zxx"
# The two-letter (ISO 639-1) codes py3langid's model knows: what a rubric may list.
DETECTABLE: Final = frozenset(
    (
        "af", "am", "an", "ar", "as", "az", "ba", "be", "bg", "bn", "br", "bs", "ca", "cs", "cy",
        "da", "de", "dz", "el", "en", "eo", "es", "et", "eu", "fa", "fi", "fo", "fr", "fy", "ga",
        "gd", "gl", "gu", "ha", "he", "hi", "hr", "ht", "hu", "hy", "id", "ig", "is", "it", "ja",
        "jv", "ka", "kk", "km", "kn", "ko", "ku", "ky", "la", "lb", "lg", "ln", "lo", "lt", "lv",
        "mg", "mk", "ml", "mn", "mr", "ms", "mt", "my", "ne", "nl", "nn", "no", "oc", "om", "or",
        "pa", "pl", "ps", "pt", "qu", "ro", "ru", "rw", "sa", "se", "si", "sk", "sl", "sn", "so",
        "sq", "sr", "st", "sv", "sw", "ta", "te", "tg", "th", "tk", "tl", "tr", "tt", "ug", "uk",
        "ur", "uz", "vi", "vo", "wa", "xh", "yo", "zh", "zu",
    )
)  # fmt: skip

# A contact with fewer letters than this (a two-word "ok thanks") is too short to call.
MIN_LETTERS: Final = 30
# Normalised probability (0..1 over CANDIDATES) an unsupported language needs to be believed.
MIN_PROBABILITY: Final = 0.90
# Characters of cleaned agent and customer text classified per contact: the contact's opening
# (py3langid walks every byte in Python: ~0.15 us a byte).
SAMPLE_CHARS: Final = 400
# Shortcut for most contacts: when the customer's own first QUICK_CHARS characters (a sentence
# or two) are at least QUICK_PROBABILITY sure of a supported language, that decides, at a fifth
# of the bytes to read. The customer's text, not the contact's opening, so that an agent's
# greeting in English cannot vouch for a conversation in Spanish. Anything else is judged on
# the whole sample.
QUICK_CHARS: Final = 80
QUICK_PROBABILITY: Final = 0.99

# A vectorised shortcut before py3langid: a customer opening that uses at least
# FUNCTION_WORDS_MIN distinct function words of a supported language, making up at least
# FUNCTION_WORDS_SHARE of its words, is settled as that language without the classifier.
# The words are chosen to be rare in the other candidate languages.
FUNCTION_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "the", "and", "you", "your", "is", "it", "my", "for", "of", "this", "that", "with",
        "have", "has", "not", "please", "thanks", "thank", "can", "we", "was", "are", "be",
        "will", "what", "there", "been", "they", "would", "just", "why", "how", "when", "me",
        "our", "but", "i'm", "don't", "can't", "it's", "still", "any", "get", "got", "did",
    ),
}  # fmt: skip
FUNCTION_WORDS_MIN: Final = 4
FUNCTION_WORDS_SHARE: Final = 0.2
FUNCTION_WORDS_CHARS: Final = 200

LANGUAGES_SCHEMA: Final = pl.Schema(
    {"contact_id": pl.String, "language": pl.String, "supported": pl.Boolean}
)

# Removed before classifying: URLs, e-mail addresses, @handles, tokens holding a digit, and
# symbols (emoji are symbols; ZWJ, keycap and variation selectors glue them together).
_NOISE: Final = (
    r"(?i)\b(?:https?://|www\.)\S+|\S+@\S+|@\w+|\S*\d\S*"
    r"|[\p{S}\p{Co}\p{Cn}\x{200D}\x{20E3}\x{FE0E}\x{FE0F}]+"
)
# Han, kana and hangul letters each carry about a word: they count three towards MIN_LETTERS.
_DENSE_SCRIPT: Final = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"


class _Identifier:
    """A py3langid identifier restricted to one candidate set (never changed once made)."""

    def __init__(self, candidates: Sequence[str]) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._ident.set_languages(list(candidates))

    def classify(self, text: str) -> tuple[str, float]:
        lang, prob = self._ident.classify(text)
        return str(lang), float(prob)

    def rank(self, text: str) -> list[tuple[str, float]]:
        return [(str(lang), float(p)) for lang, p in self._ident.rank(text)]


_LOCK = threading.Lock()


@cache
def _identifier_for(candidates: tuple[str, ...]) -> _Identifier:
    return _Identifier(candidates)


def _identifier(supported: Sequence[str]) -> _Identifier:
    candidates = tuple(sorted({*CANDIDATES, *supported, NOT_LANGUAGE}))
    with _LOCK:  # the model loads once per process (~0.5 s), not once per scoring thread
        return _identifier_for(candidates)


def _openings(turns: pl.DataFrame, speaker: str | None, chars: int) -> pl.DataFrame:
    """``contact_id`` and ``text``: the cleaned opening (at most ``chars`` characters) of each
    contact's turns by ``speaker`` (agent and customer together when None)."""
    spoken = turns.filter(
        pl.col("speaker") != "system" if speaker is None else pl.col("speaker") == speaker
    )
    return (
        spoken.sort("contact_id", "turn")
        .group_by("contact_id", maintain_order=True)
        # raw text enough to leave `chars` once the noise is out
        .agg(pl.col("text").fill_null("").str.join(" ").str.slice(0, chars * 3 // 2))
        .with_columns(
            pl.col("text")
            .str.replace_all(_NOISE, " ")
            .str.replace_all(r"\s{2,}|[\t\n\r\f\v]", " ")
            .str.strip_chars()
            .str.slice(0, chars)
        )
    )


def _by_function_words(turns: pl.DataFrame, supported: Sequence[str]) -> dict[str, str]:
    """Contacts whose customer opening is plainly in a supported language, by its function
    words (vectorised; those contacts skip the classifier)."""
    found: dict[str, str] = {}
    rest = turns
    for lang in supported:
        vocab = FUNCTION_WORDS.get(lang)
        if not vocab or rest.is_empty():
            continue
        words = (
            _openings(rest, "customer", FUNCTION_WORDS_CHARS)
            .select(
                "contact_id",
                tokens=pl.col("text").str.to_lowercase().str.extract_all(r"[a-z]+(?:['’][a-z]+)?"),
            )
            .with_columns(pl.col("tokens").list.eval(pl.element().str.replace("’", "'")))
        )
        hits = pl.col("tokens").list.eval(pl.element().filter(pl.element().is_in(list(vocab))))
        plain = words.with_columns(hits=hits).filter(
            (pl.col("hits").list.n_unique() >= FUNCTION_WORDS_MIN)
            & (pl.col("hits").list.len() >= FUNCTION_WORDS_SHARE * pl.col("tokens").list.len())
        )
        for cid in plain["contact_id"].to_list():
            found[cid] = lang
        if found:
            done = pl.Series("contact_id", list(found), dtype=pl.String)
            rest = rest.filter(~pl.col("contact_id").is_in(done.implode()))
    return found


def _letters(text: pl.Expr) -> pl.Expr:
    # Counted in the first 4 * MIN_LETTERS characters: enough to tell whether there are
    # MIN_LETTERS, for a fraction of the cost.
    head = text.str.slice(0, 4 * MIN_LETTERS)
    return (head.str.count_matches(r"\p{L}") + 2 * head.str.count_matches(_DENSE_SCRIPT)).cast(
        pl.Int32
    )


def language_samples(turns: pl.DataFrame) -> pl.DataFrame:
    """Per contact, in the order contacts first appear in ``turns``: ``sample``, the opening
    of its agent and customer text together, cleaned (at most SAMPLE_CHARS characters);
    ``quick``, the opening of the customer's text alone (at most QUICK_CHARS); and
    ``letters``, whether the sample has MIN_LETTERS letters (counted in its first
    4 * MIN_LETTERS characters; a Han, kana or hangul character counts three)."""
    return (
        turns.select("contact_id")
        .unique(maintain_order=True)
        .join(
            _openings(turns, None, SAMPLE_CHARS).rename({"text": "sample"}),
            on="contact_id",
            how="left",
            maintain_order="left",
        )
        .join(
            _openings(turns, "customer", QUICK_CHARS).rename({"text": "quick"}),
            on="contact_id",
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.col("sample", "quick").fill_null(""))
        .with_columns(letters=_letters(pl.col("sample")))
    )


def classify_sample(sample: str, letters: int, supported: Sequence[str], quick: str = "") -> str:
    """The language a contact is treated as: a supported one unless its sample is long enough
    and clearly in another language (see the module's docstring and language_samples)."""
    if not supported:
        raise ValueError("at least one supported language is needed")
    ident = _identifier(supported)
    sure = _quick(ident, supported, quick)
    if sure is not None:
        return sure
    return _decide(ident, supported, sample, letters)


def _quick(ident: _Identifier, supported: Sequence[str], quick: str) -> str | None:
    """The supported language a long enough customer opening is sure of, else None."""
    if len(quick) < QUICK_CHARS:
        return None
    lang, prob = ident.classify(quick)
    return lang if lang in supported and prob >= QUICK_PROBABILITY else None


def _decide(ident: _Identifier, supported: Sequence[str], sample: str, letters: int) -> str:
    if letters < MIN_LETTERS:
        return supported[0]
    lang, prob = ident.classify(sample)
    if lang in supported:
        return lang
    if lang != NOT_LANGUAGE and prob >= MIN_PROBABILITY:
        return lang
    # Unsure: the supported language the identifier ranks highest.
    return next((code for code, _ in ident.rank(sample) if code in supported), supported[0])


def contact_languages(turns: pl.DataFrame, supported: Sequence[str]) -> pl.DataFrame:
    """One row per contact of ``turns`` (TURNS_SCHEMA): ``language`` (ISO 639-1, the language
    it is treated as) and ``supported`` (whether that language is in ``supported``), in
    LANGUAGES_SCHEMA, in the order contacts first appear.

    Three passes, so that most contacts cost no classification and the rest one short one:
    customer openings plainly in a supported language by their function words (vectorised);
    then the customers' openings; then the whole sample of the contacts those did not
    settle."""
    if not supported:
        raise ValueError("at least one supported language is needed")
    contacts = turns.select("contact_id").unique(maintain_order=True)
    if contacts.is_empty():
        return pl.DataFrame(schema=LANGUAGES_SCHEMA)
    found: dict[str, str] = _by_function_words(turns, supported)
    if found:
        settled = pl.Series("contact_id", list(found), dtype=pl.String)
        turns = turns.filter(~pl.col("contact_id").is_in(settled.implode()))
    ident = _identifier(supported)
    openings = _openings(turns, "customer", QUICK_CHARS).filter(
        pl.col("text").str.len_chars() >= QUICK_CHARS
    )
    for cid, text in openings.iter_rows():
        lang = _quick(ident, supported, text)
        if lang is not None:
            found[cid] = lang
    rest = turns
    if found:
        settled = pl.Series("contact_id", list(found), dtype=pl.String)
        rest = turns.filter(~pl.col("contact_id").is_in(settled.implode()))
    if not rest.is_empty():
        samples = _openings(rest, None, SAMPLE_CHARS).with_columns(letters=_letters(pl.col("text")))
        for cid, text, letters in samples.iter_rows():
            found[cid] = _decide(ident, supported, text, letters)
    default = supported[0]
    langs = [found.get(cid, default) for cid in contacts["contact_id"].to_list()]
    return pl.DataFrame(
        {
            "contact_id": contacts["contact_id"],
            "language": langs,
            "supported": [lang in supported for lang in langs],
        },
        schema=LANGUAGES_SCHEMA,
    )
