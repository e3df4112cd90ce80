"""Language identification per contact: English in every style stays English, short or unsure
text is never called another language, clear Spanish, French or German is."""

from __future__ import annotations

import pytest

from checks.transcripts.language import (
    DETECTABLE,
    LANGUAGES_SCHEMA,
    MIN_LETTERS,
    classify_sample,
    contact_languages,
    language_samples,
)
from checks.transcripts.transcript import Contact, Turn, turns_frame
from tests.checks.factories import contact
from tests.checks.transcripts.contacts_by_language import (
    DE,
    EN_CHAT,
    EN_SHORT,
    EN_UPPER,
    EN_VOICE,
    ES,
    FR,
    MIXED_MOSTLY_EN,
    MIXED_MOSTLY_ES,
)


def languages(*contacts: Contact, supported: tuple[str, ...] = ("en",)) -> list[str]:
    ids = [f"c-{i}" for i in range(len(contacts))]
    renamed = [Contact(cid, c.agent_id, c.turns) for cid, c in zip(ids, contacts, strict=True)]
    out = contact_languages(turns_frame(renamed), list(supported))
    assert out["contact_id"].to_list() == ids
    return out["language"].to_list()


@pytest.mark.parametrize(
    ("transcript", "expected"),
    [
        (EN_CHAT, "en"),
        (EN_VOICE, "en"),
        (EN_SHORT, "en"),
        (EN_UPPER, "en"),
        (ES, "es"),
        (FR, "fr"),
        (DE, "de"),
        (MIXED_MOSTLY_ES, "es"),
        (MIXED_MOSTLY_EN, "en"),
    ],
    ids=["en-chat", "en-voice", "en-short", "en-upper", "es", "fr", "de", "mixed-es", "mixed-en"],
)
def test_contact_language(transcript: Contact, expected: str) -> None:
    assert languages(transcript) == [expected]


def test_output_schema_and_supported_flag() -> None:
    turns = turns_frame([Contact("b", "a-1", ES.turns), Contact("a", "a-1", EN_CHAT.turns)])
    out = contact_languages(turns, ["en"])
    assert out.schema == LANGUAGES_SCHEMA
    assert out.rows() == [("b", "es", False), ("a", "en", True)]
    both = contact_languages(turns, ["en", "es"])
    assert both.rows() == [("b", "es", True), ("a", "en", True)]


@pytest.mark.parametrize(
    "text",
    [
        "gracias",
        "ok gracias",
        "danke schön",
        "merci beaucoup",
        "hola necesito ayuda",
        "haha lol ok",
    ],
)
def test_short_text_is_never_called_another_language(text: str) -> None:
    assert languages(contact(("c", text), ("a", "ok"))) == ["en"]


def test_urls_handles_numbers_and_emoji_are_not_text() -> None:
    noisy = contact(
        ("c", "😡😡 @acmehelp order #ORD-552013 https://track.example.com/x?id=99 ££ 15:53 🙏🙏"),
        ("a", "@jo_88 ref 4471-2290, call 0800 123 4567 or www.example.com/help 👍"),
    )
    sample = language_samples(turns_frame([noisy]))
    assert sample["sample"].to_list() == ["order ref call or"]
    assert languages(noisy) == ["en"]  # nothing left to judge: the rubric's language


def test_only_agent_and_customer_text_counts() -> None:
    system = Turn("system", "El agente se ha unido al chat. Gracias por esperar, un momento.")
    assert languages(Contact("c-1", "a-1", (system, *EN_CHAT.turns))) == ["en"]
    assert languages(contact(("s", "Maya joined the chat."))) == ["en"]  # no text at all


def test_han_characters_count_as_more_than_one_letter() -> None:
    zh = contact(("c", "你好，我的订单还没到，可以帮我查一下吗？"), ("a", "您好，我马上帮您查询。"))
    (letters,) = language_samples(turns_frame([zh]))["letters"].to_list()
    assert letters >= MIN_LETTERS
    assert languages(zh) == ["zh"]


def test_unsure_text_goes_to_the_best_ranked_supported_language() -> None:
    text = "yes yes no no ok ok fine fine sure sure right right"
    assert classify_sample(text, MIN_LETTERS + 10, ["en", "es"]) in {"en", "es"}
    assert classify_sample("hola", 4, ["es", "en"]) == "es"  # too short: the first listed
    with pytest.raises(ValueError, match="at least one"):
        classify_sample(text, 40, [])


def test_detectable_codes_are_the_models_two_letter_labels() -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    labels = LanguageIdentifier.from_model_file(MODEL_FILE).labels
    assert {code for code in labels if len(code) == 2} == DETECTABLE


def test_plain_english_skips_the_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    import checks.transcripts.language as language

    asked: list[str] = []
    real = language._identifier

    def counting(supported: list[str]) -> object:
        ident = real(supported)
        classify = ident.classify

        def spy(text: str) -> tuple[str, float]:
            asked.append(text)
            return classify(text)

        monkeypatch.setattr(ident, "classify", spy)
        return ident

    monkeypatch.setattr(language, "_identifier", counting)
    english = contact(
        (
            "c",
            "Hi, my order still hasn't come and it's been a week, can you check what is going on?",
        ),
        ("a", "Sorry about that, let me look."),
        cid="en-1",
    )
    spanish = contact(
        ("c", "Hola, mi pedido todavía no ha llegado y ya pasó una semana, ¿pueden revisarlo?"),
        ("a", "Sorry about that, let me look."),
        cid="es-1",
    )
    out = contact_languages(turns_frame([english, spanish]), ["en"])
    assert dict(zip(out["contact_id"], out["language"], strict=True)) == {
        "en-1": "en",
        "es-1": "es",
    }
    assert asked
    assert all("Hola" in text for text in asked)
