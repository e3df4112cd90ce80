"""Personal data told in words rather than digit runs: spoken e-mails, street addresses, IBANs,
card security codes and last digits, and names the speaker states."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

EMAIL_TOKEN: Final = "[email]"
ADDRESS_TOKEN: Final = "[address]"
IBAN_TOKEN: Final = "[iban]"
CARD_TOKEN: Final = "[card]"
CVV_TOKEN: Final = "[cvv]"
NAME_TOKEN: Final = "[name]"

_DIGIT_WORDS: Final = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_APOS: Final = "['’]"

# --- spoken e-mails: "john dot doe at example dot com", "j underscore doe at mail dot co dot uk"
_TLD: Final = (
    r"(?:com|org|net|edu|gov|io|co|uk|us|de|fr|nl|es|it|ca|au|info|biz|me|ie|ch|at|be|eu|in)"
)
_SEP: Final = r"(?:\s*(?:\.|\bdot\b|\bunderscore\b|\bdash\b|\bhyphen\b|_|-)\s*)"
_SPOKEN_EMAIL_RE: Final = re.compile(
    rf"\b[a-z0-9][a-z0-9_\-]*(?:{_SEP}[a-z0-9]+){{0,4}}\s+(?:at|@)\s+"
    rf"[a-z0-9\-]+(?:\s*(?:\.|\bdot\b)\s*[a-z0-9\-]+){{0,3}}\s*(?:\.|\bdot\b)\s*{_TLD}\b",
    re.IGNORECASE,
)

# --- IBANs, whole, partial or spaced ("GB82 WEST 1234 5698 7654 32", "de89 3704 0044")
_IBAN_RE: Final = re.compile(
    r"\b[a-z]{2}\d{2}(?:[ \-]?[a-z0-9]{4}){1,7}(?:[ \-]?[a-z0-9]{1,3})?\b", re.IGNORECASE
)
# "my IBAN ends in 3000", "iban number: DE89 ..." (what follows the word, when it has digits)
_IBAN_WORD_RE: Final = re.compile(
    r"(\biban\b(?:\s*(?:number|no\.?|is|was|:|ends?(?:\s+(?:in|with))?|ending(?:\s+in)?))*\s*)"
    r"([a-z0-9]+(?:[ \-][a-z0-9]+){0,8})",
    re.IGNORECASE,
)

# --- cards: last digits told in words, and a security code near a card or named as one
_CARD_LAST_RE: Final = re.compile(
    r"(\bcard\b[^\d\n\[]{0,25}?\b(?:ending|ends|last\s+(?:four|4)(?:\s+digits)?)"
    r"(?:\s+(?:in|with|are|is|of))?\s*[:\-]?\s*)(\d{4})\b",
    re.IGNORECASE,
)
_CVV_WORDS: Final = (
    r"\b(?:cvv2?|cvc2?|csc|cid|security\s+code|verification\s+(?:code|number|value)"
    r"|(?:three|3|four|4)[\s\-]digit\s+code|(?:digits|numbers?|code)\s+on\s+the\s+back)\b"
)
_CVV_RE: Final = re.compile(
    rf"((?:{_CVV_WORDS}|\[card\])[^\d\n\[\]]{{0,40}}?)"
    rf"(\b\d(?:[ \-]?\d){{2,3}}\b|\b{_DIGIT_WORDS}(?:[\s,\-]+{_DIGIT_WORDS}){{2,3}}\b)",
    re.IGNORECASE,
)

# --- street addresses: "42 Baker Street", "12b high road, flat 3", "Hauptstraße 5"
_NUMBER: Final = (
    r"(?:\d{1,5}[a-z]?|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)(?:[\s\-](?:one|two|three"
    r"|four|five|six|seven|eight|nine|hundred))*)"
)
_NOT_STREET: Final = (
    r"(?!(?:the|a|an|to|of|and|or|on|in|at|for|by|about|my|your|our|their|this|that|more|other"
    r"|times?|days?|weeks?|hours?|minutes?|months?|years?|items?|orders?|calls?)\b)"
)
_UNIT: Final = r"(?:,?\s+(?:apt|apartment|unit|suite|flat|floor)\.?\s*#?\s*[a-z0-9\-]+)?"
_ADDRESS_RES: Final = (
    # any case, street words nobody uses otherwise after a number and a name
    re.compile(
        rf"\b{_NUMBER},?\s+(?:{_NOT_STREET}[a-z][a-z'’\-]*\.?\s+){{1,3}}"
        r"(?:street|avenue|road|boulevard|lane|terrace|crescent|parkway|highway)\b\.?" + _UNIT,
        re.IGNORECASE,
    ),
    # capitalised names before the short or common street words ("12 Elm St", "5 Kings Way")
    re.compile(
        r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z'’\-]*\.?\s+){1,3}"
        r"(?:Way|Place|Close|Drive|Court|Square|Gardens|Row|Mews|St|Rd|Ave|Blvd|Ln|Dr|Ct|Pl|Hwy|Sq)"
        r"\b\.?" + _UNIT
    ),
    # German-style: the number after the street
    re.compile(
        r"\b[A-ZÄÖÜ][a-zäöüß\-]+(?:straße|strasse|str\.|weg|gasse|platz|allee|ring)\s+\d{1,4}[a-z]?\b"
    ),
)

# --- names the speaker states: "my name is Dana Cole", "this is dana speaking",
# "I'm Dana from Acme", "Mrs Patel"
_UPPER_WORD: Final = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:[\-'’][A-Za-zß-öø-ÿ]+)*"
_ANY_WORD: Final = r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ\-'’]*"
_STATED_RE: Final = re.compile(
    rf"(\b(?:my|the)\s+name(?:{_APOS}s|\s+is)\s+|\bcall\s+me\s+"
    rf"|\bname\s+on\s+the\s+(?:account|card)\s+is\s+)((?:{_ANY_WORD})(?:\s+{_ANY_WORD}){{0,2}})",
    re.IGNORECASE,
)
_BOUNDED_RE: Final = re.compile(
    rf"(\b(?:this\s+is|it{_APOS}s|it\s+is|i{_APOS}m|im|i\s+am)\s+)"
    rf"((?:{_ANY_WORD})(?:\s+{_ANY_WORD}){{0,2}})"
    r"(\s+(?:speaking|here|calling|from)\b)",
    re.IGNORECASE,
)
# A name the other side is greeted or thanked by ("Hi Sarah,", "Thanks, Omar!"): capitalised
# only, so in lowercase voice text it is not found.
_GREETED_RE: Final = re.compile(
    rf"(\b(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Tt]hanks|[Tt]hank you|[Mm]orning|[Aa]fternoon"
    rf"|[Ee]vening)(?:,|\s)\s*)({_UPPER_WORD})\b"
)
_NOT_GREETED: Final = frozenset(
    {
        "There",
        "Again",
        "Team",
        "Everyone",
        "All",
        "So",
        "For",
        "Guys",
        "Folks",
        "Both",
        "You",
        "Very",
        "Much",
        "Sir",
        "Madam",
        "Mate",
        "Friend",
        "Anyway",
        "Though",
        "Once",
        "A",
        "I",
    }
)
_TITLE_RE: Final = re.compile(
    rf"(\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+)({_UPPER_WORD}(?:\s+{_UPPER_WORD})?)"
)
# words that end a stated name (or show there was none)
_STOP_WORDS: Final = """
    a an the and or but on in at to of for from with is was not no yes still also just really
    so very here there calling speaking i im i'm my your his her their our it its this that these
    missing wrong spelled spelt correct listed written please sorry ok okay well um uh er like
    actually already now sir madam ma'am too as by about up down out if when because then than be
    been being have has had do does did can could will would should may might must shall
    going trying looking waiting glad happy upset angry tired sure afraid back away far new
    gonna wanna having only even again"""
_STOP: Final = frozenset(_STOP_WORDS.split())


def _name_words(text: str, *, bounded: bool) -> int:
    """How many leading words of `text` are a stated name (0: none)."""
    words = text.split()
    count = 0
    capitalised = False
    for word in words:
        if word[0].isupper():
            capitalised = True
            count += 1
            continue
        bare = word.strip("'’-").lower()
        # a lowercase word after a capitalised name is the sentence going on; in lowercase
        # (voice) text a name is at most two words before a function word or verb form
        if capitalised or bare in _STOP or bare.endswith(("ing", "ed", "ly")) or count == 2:
            break
        count += 1
    return 0 if bounded and count < len(words) else count


def _mask_stated(m: re.Match[str]) -> str:
    n = _name_words(m.group(2), bounded=False)
    if n == 0:
        return m.group(0)
    pieces = re.split(r"(\s+)", m.group(2))  # words and the spaces between them
    return m.group(1) + NAME_TOKEN + "".join(pieces[2 * n - 1 :])


def _mask_bounded(m: re.Match[str]) -> str:
    if _name_words(m.group(2), bounded=True) == 0:
        return m.group(0)
    return m.group(1) + NAME_TOKEN + m.group(3)


def _mask_greeted(m: re.Match[str]) -> str:
    return m.group(0) if m.group(2) in _NOT_GREETED else m.group(1) + NAME_TOKEN


def _iban_like(run: str) -> bool:
    compact = re.sub(r"[ \-]", "", run).upper()
    if len(compact) >= 15 and compact.isalnum():
        moved = compact[4:] + compact[:4]
        number = "".join(str(int(ch, 36)) for ch in moved)
        if int(number) % 97 == 1:
            return True
    # a partial or mistyped IBAN still shows the bank or account digits
    return sum(ch.isdigit() for ch in compact[4:]) >= 4


def _mask_iban(m: re.Match[str]) -> str:
    return IBAN_TOKEN if _iban_like(m.group(0)) else m.group(0)


def _mask_iban_word(m: re.Match[str]) -> str:
    told = m.group(2)
    if sum(ch.isdigit() for ch in told) < 3:
        return m.group(0)
    return m.group(1) + IBAN_TOKEN


def _keep_prefix(token: str) -> Callable[[re.Match[str]], str]:
    def replace(m: re.Match[str]) -> str:
        return m.group(1) + token

    return replace


# Cheap checks (substrings of the lowercased text, short case-sensitive patterns) decide
# whether a kind's full patterns are worth running on a text.
_DIGIT: Final = re.compile(r"\d")
_MAY_EMAIL: Final = re.compile(r"\s(?:at|@)\s", re.IGNORECASE)
_MAY_IBAN: Final = re.compile(r"[A-Za-z]{2}\d\d")
_CARD_WORDS: Final = ("card", "cvv", "cvc", "csc", "cid", "security", "verification", "digit")
_STREET_WORDS: Final = (
    "street",
    "avenue",
    "road",
    "boulevard",
    "lane",
    "terrace",
    "crescent",
    "parkway",
    "highway",
)
_MAY_SHORT_STREET: Final = re.compile(
    r"\b(?:Way|Place|Close|Drive|Court|Square|Gardens|Row|Mews|St|Rd|Ave|Blvd|Ln|Dr|Ct|Pl|Hwy"
    r"|Sq)\b|(?:straße|strasse|str\.|weg|gasse|platz|allee|ring)\s+\d"
)
_NAME_WORDS: Final = (
    "hi",
    "hello",
    "hey",
    "dear",
    "thank",
    "morning",
    "afternoon",
    "evening",
    "name",
    "call me",
    "this is",
    "it's",
    "it’s",
    "it is",
    "i'm",
    "i’m",
    "im ",
    "i am",
)
_MAY_TITLE: Final = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\b")


def mask_spoken_email(text: str) -> str:
    """E-mail addresses told in words ("john dot doe at example dot com")."""
    if not _MAY_EMAIL.search(text):
        return text
    return _SPOKEN_EMAIL_RE.sub(EMAIL_TOKEN, text)


def mask_iban(text: str) -> str:
    """IBANs, whole, spaced or partial, and account digits told after the word IBAN."""
    if "iban" not in text.lower() and not _MAY_IBAN.search(text):
        return text
    return _IBAN_WORD_RE.sub(_mask_iban_word, _IBAN_RE.sub(_mask_iban, text))


def mask_card_words(text: str) -> str:
    """A card's last digits told in words and a security code near a card or named as one."""
    low = text.lower()
    if not any(word in low for word in _CARD_WORDS) and "back" not in low:
        return text
    text = _CARD_LAST_RE.sub(_keep_prefix(CARD_TOKEN), text)
    return _CVV_RE.sub(_keep_prefix(CVV_TOKEN), text)


def mask_address(text: str) -> str:
    """Street addresses: a number and a street name, or a German street and its number."""
    low = text.lower()
    if not any(word in low for word in _STREET_WORDS) and not (
        _DIGIT.search(text) and _MAY_SHORT_STREET.search(text)
    ):
        return text
    for pattern in _ADDRESS_RES:
        text = pattern.sub(ADDRESS_TOKEN, text)
    return text


def mask_stated_name(text: str) -> str:
    """Names a speaker states ("my name is …", "this is … speaking", "I'm … from", "Mrs …")
    or greets the other side by ("Hi Sarah,")."""
    low = text.lower()
    if not any(word in low for word in _NAME_WORDS) and not _MAY_TITLE.search(text):
        return text
    text = _STATED_RE.sub(_mask_stated, text)
    text = _BOUNDED_RE.sub(_mask_bounded, text)
    text = _GREETED_RE.sub(_mask_greeted, text)
    return _TITLE_RE.sub(_keep_prefix(NAME_TOKEN), text)


# Cheap pre-filter (Rust regex syntax, for polars) for rows that may hold one of these kinds.
CANDIDATE_PATTERN: Final = (
    r"(?i)\s(?:at|@)\s+[a-z0-9\-]+\s*(?:\.|\bdot\b)|\biban\b|\b[a-z]{2}\d{2}[ \-]?[a-z0-9]{4}"
    r"|\bcard\b|\bcvv|\bcvc|\bcsc\b|\bcid\b|security\s+code|verification\s+(?:code|number|value)"
    r"|digit\s+code|on\s+the\s+back"
    r"|\d\S*\s+(?:\S+\s+){1,3}(?:street|avenue|road|boulevard|lane|terrace|crescent|parkway"
    r"|highway|way|place|close|drive|court|square|gardens|row|mews|st|rd|ave|blvd|ln|dr|ct|pl"
    r"|hwy|sq)\b|(?:straße|strasse|str\.|weg|gasse|platz|allee|ring)\s+\d"
    r"|(?:street|avenue|road|boulevard|lane|terrace|crescent|parkway|highway)\b"
    r"|\bname\b|\bcall\s+me\b|\b(?:mr|mrs|ms|miss|mx|dr)\b"
    r"|(?-i:\b(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Tt]hanks|[Tt]hank you|[Mm]orning|[Aa]fternoon"
    r"|[Ee]vening)(?:,|\s)\s*[A-Z])"
    r"|\b(?:this\s+is|it['’]s|it\s+is|i['’]m|im|i\s+am)\s+\S+(?:\s+\S+){0,2}\s+"
    r"(?:speaking|here|calling|from)\b"
)


def mask_told(text: str) -> str:
    """Every kind above, IBANs and cards before addresses and names."""
    text = mask_spoken_email(text)
    text = mask_iban(text)
    text = mask_card_words(text)
    text = mask_address(text)
    return mask_stated_name(text)
