"""Language identification per contact: English in every style stays English, short or unsure
text is never called another language, clear Spanish, French or German is."""

from __future__ import annotations

import polars as pl
import pytest

from checks.rubric.rubric import Rubric
from checks.transcripts.language import (
    DETECTABLE,
    LANGUAGES_SCHEMA,
    MIN_LETTERS,
    classify_sample,
    contact_languages,
    language_samples,
)
from checks.transcripts.transcript import Contact, Turn, turns_frame
from tests.checks.factories import contact, score

EN_CHAT = contact(
    ("s", "Maya joined the chat."),
    ("a", "Hi, thanks for contacting Homeware Direct, my name's Maya. How can I help?"),
    ("c", "My headphones were meant to arrive on Monday and there's still no sign of them."),
    ("a", "I'm sorry to hear that, let me check the tracking for you right away."),
    ("c", "Thanks. I'm really frustrated, I needed them for a trip this weekend."),
)
EN_VOICE = contact(
    ("a", "thank you for calling corelink broadband this is sam how can i help"),
    ("c", "yeah hi um so my internet keeps dropping out like every evening and its been a week"),
    ("a", "okay im sorry about that let me have a look at the line from here"),
    ("c", "yeah please because i work from home and i cant keep doing this"),
)
EN_SHORT = contact(("c", "ok thanks"), ("a", "bye"))
EN_UPPER = contact(
    ("c", "I NEED TO CHANGE THE ADDRESS ON MY ACCOUNT BECAUSE I HAVE MOVED HOUSE"),
    ("a", "NO PROBLEM, I CAN UPDATE THAT FOR YOU NOW"),
)
ES = contact(
    ("a", "Buenas tardes, gracias por llamar a Homeware Direct, le atiende Marta."),
    ("c", "Hola, mi pedido no ha llegado todavía y necesito saber dónde está."),
    ("a", "Lo siento mucho. ¿Me puede dar su número de pedido, por favor?"),
    ("c", "Sí, claro. Estoy muy molesto, es la tercera vez que llamo."),
)
FR = contact(
    ("a", "Bonjour, merci d'avoir contacté Homeware Direct, je m'appelle Julie."),
    ("c", "Bonjour, ma commande n'est toujours pas arrivée et je suis vraiment déçu."),
    ("a", "Je comprends tout à fait, je vais vérifier cela pour vous tout de suite."),
)
DE = contact(
    ("a", "Guten Tag, Sie sprechen mit Jonas vom Kundenservice. Wie kann ich helfen?"),
    ("c", "Meine Bestellung ist immer noch nicht angekommen, das ist wirklich ärgerlich."),
    ("a", "Das tut mir leid. Ich schaue sofort nach, wo Ihr Paket gerade ist."),
)
# An English greeting cannot vouch for a conversation held in Spanish.
MIXED_MOSTLY_ES = contact(
    ("a", "Good morning, thanks for calling Homeware Direct, Maya speaking."),
    ("c", "Hola, perdone, ¿habla español? Mi pedido no ha llegado y estoy preocupada."),
    ("a", "Sí, claro, hablo español. Lo siento mucho, ahora mismo reviso su pedido."),
    ("c", "Muchas gracias, es un regalo de cumpleaños para mi hija y lo necesito el viernes."),
)
# An English contact with a few Spanish words in it is English.
MIXED_MOSTLY_EN = contact(
    ("c", "Hi, my order never arrived and I've been waiting for over a week now. Gracias."),
    ("a", "I'm so sorry about that, let me look into it for you straight away."),
    ("c", "Thank you, it was a birthday present for my daughter, muchas gracias."),
    ("a", "Of course. I've reordered it with next-day delivery, it'll be there tomorrow."),
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


def test_scoring_leaves_unsupported_contacts_unscored_and_others_untouched(
    rubric: Rubric,
) -> None:
    alone = score(rubric, Contact("c-en", "a-1", EN_CHAT.turns))
    both = score(rubric, Contact("c-en", "a-1", EN_CHAT.turns), Contact("c-es", "a-1", ES.turns))
    scores = both.scores
    assert scores["contact_id"].to_list() == ["c-en", "c-es"]
    assert scores.select("language", "state").rows() == [
        ("en", "scored"),
        ("es", "unsupported_language"),
    ]
    es = scores.filter(pl.col("contact_id") == "c-es")
    na = ["empathy", "compassion", "sympathy_overload", "hospitality", "overall", "opportunity"]
    assert es.select(na).null_count().row(0) == (1,) * len(na)
    assert es.select("n_turns", "n_agent_turns").row(0) == (4, 2)
    assert both.findings.filter(pl.col("contact_id") == "c-es").is_empty()
    assert scores.filter(pl.col("contact_id") == "c-en").equals(alone.scores)
    assert both.findings.equals(alone.findings)


def test_a_batch_of_only_unsupported_contacts(rubric: Rubric) -> None:
    batch = score(rubric, Contact("c-fr", "a-1", FR.turns), Contact("c-de", "a-2", DE.turns))
    assert batch.scores.select("contact_id", "agent_id", "language", "state").rows() == [
        ("c-de", "a-2", "de", "unsupported_language"),
        ("c-fr", "a-1", "fr", "unsupported_language"),
    ]
    assert batch.findings.is_empty()


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
