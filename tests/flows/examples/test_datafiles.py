"""The generator's data files (flows/examples/data/*.yaml) load; a broken one says where."""

from __future__ import annotations

import dataclasses
import importlib.resources
import random
import string
from datetime import UTC, datetime

import pytest

from flows.examples.datafiles import ExampleDataError, parse_data
from flows.examples.personas import PERSONAS, TEAMS, PersonasFile
from flows.examples.phrases import PHRASES, Phrases
from flows.examples.problems import (
    DOMAIN_TEAMS,
    PROBLEMS,
    REQUESTS,
    Problem,
    ProblemsFile,
    Request,
)
from flows.examples.slots import SlotValues, make_slots

# slots a few banks take besides the contact's own (the problem's lines, filled in)
EXTRA_SLOTS = {"reflect", "action", "next"}


def _text(name: str) -> str:
    return (importlib.resources.files("flows.examples") / "data" / name).read_text("utf-8")


def _templates() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for f in dataclasses.fields(Phrases):
        value = getattr(PHRASES, f.name)
        if isinstance(value, str):
            out.append((f.name, value))
        elif f.name == "generic_qa":
            out += [(f.name, line) for pair in value for line in pair]
        else:
            out += [(f.name, line) for line in value]
    topics: list[Problem | Request] = [*PROBLEMS, *REQUESTS]
    for topic in topics:
        for f in dataclasses.fields(topic):
            value = getattr(topic, f.name)
            if f.name not in ("key", "domain", "brands", "third_party"):
                out += [(f"{topic.key}.{f.name}", line) for line in value]
    return out


def test_every_template_uses_known_slots_only() -> None:
    slots = make_slots(
        random.Random(1), PERSONAS[0], "Fernbank", datetime(2026, 11, 16, 9, tzinfo=UTC), "them"
    )
    known = set(slots) | EXTRA_SLOTS
    for where, template in _templates():
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        assert names <= known, (where, template, names - known)


def test_the_teams_agree_across_files() -> None:
    assert set(TEAMS) == set(DOMAIN_TEAMS)
    assert {p.team for p in PERSONAS} == set(TEAMS)


def test_the_loaded_data_is_typed_and_complete() -> None:
    assert len(PERSONAS) == 8
    assert len(PROBLEMS) >= 20
    assert len(REQUESTS) >= 10
    assert all(isinstance(b, tuple) for b in (PHRASES.distress, PROBLEMS[0].opening))
    assert PHRASES.generic_qa[0] == (
        "Will I get something in writing?",
        "Yes, you'll have it by email today.",
    )
    assert len({p.key for p in PROBLEMS}) == len(PROBLEMS)


# --- a malformed file is refused with the file and the key ------------------------------------


def _edited(name: str, old: str, new: str) -> str:
    text = _text(name)
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("name", "shape", "old", "new", "message"),
    [
        (
            "problems.yaml",
            ProblemsFile,
            "  late_fee:\n    domain: billing",
            "  late_fee:\n    domain: billing\n    brand: [Fernbank]",
            r"problems\.yaml: problems\.late_fee\.brand: unknown key \(a typo\?\)",
        ),
        (
            "problems.yaml",
            ProblemsFile,
            "  late_fee:\n    domain: billing\n",
            "  late_fee:\n",
            r"problems\.yaml: problems\.late_fee\.domain: missing key",
        ),
        (
            "problems.yaml",
            ProblemsFile,
            "    question:\n      - Will this go on my credit file?\n",
            "    question:\n      - Will this go on my credit file?\n      - And then?\n",
            r"problems\.yaml: problems\.late_fee: 2 questions but 1 answers",
        ),
        (
            "problems.yaml",
            ProblemsFile,
            "  Orders & Travel: [retail,",
            "  Orders & Travel: [retial,",
            r"problems\.yaml: team_domains: 'Orders & Travel' lists retial, which no problem has",
        ),
        (
            "phrases.yaml",
            Phrases,
            "customer_curt:\n  - No.\n",
            "customer_curt:\n  - No\n",
            r"phrases\.yaml: customer_curt\[0\]: Input should be a valid string",
        ),
        (
            "phrases.yaml",
            Phrases,
            "hold_ask:\n",
            "hold_ask: []\nunused:\n",
            r"phrases\.yaml: hold_ask: Tuple should have at least 1 item",
        ),
        (
            "phrases.yaml",
            Phrases,
            "ask_check_flat:\n",
            "ask_check_flat:\n  - Name?\n",
            r"phrases\.yaml: ask_check_warm, ask_check_flat and check_answers must be as long",
        ),
        (
            "phrases.yaml",
            Phrases,
            "routine_flat:\n",
            "distress:\n  - Again.\n\nroutine_flat:\n",
            r"phrases\.yaml: not valid YAML: .*key 'distress' appears twice",
        ),
        (
            "phrases.yaml",
            Phrases,
            "routine_flat:\n",
            "routine_flat: [unclosed\n",
            r"phrases\.yaml: not valid YAML",
        ),
        (
            "personas.yaml",
            PersonasFile,
            "    style: dismissive\n",
            "    style: dismisive\n",
            r"personas\.yaml: personas\.a-003\.style: Input should be 'model', 'host'",
        ),
        (
            "personas.yaml",
            PersonasFile,
            "  a-002:\n    name: Tom Reyes\n    team: Accounts & Billing\n",
            "  a-002:\n    name: Tom Reyes\n    team: Accounts and Billing\n",
            r"personas\.yaml: personas\.a-002\.team: 'Accounts and Billing' is not one of teams",
        ),
        (
            "personas.yaml",
            PersonasFile,
            "      flags: [warmth]\n",
            "      flag: [warmth]\n",
            r"personas\.yaml: personas\.a-002\.expect: unknown key flag",
        ),
        (
            "slot_values.yaml",
            SlotValues,
            "  - [mother, she, her]\n",
            "  - [mother, she]\n",
            r"slot_values\.yaml: relatives\[0\]\[2\]: Field required",
        ),
    ],
)
def test_a_malformed_file_names_file_and_key(
    name: str, shape: type[object], old: str, new: str, message: str
) -> None:
    source = f"flows/examples/data/{name}"
    with pytest.raises(ExampleDataError, match=message):
        parse_data(_edited(name, old, new), source, shape)


def test_the_packaged_files_parse_as_they_are() -> None:
    shapes: dict[str, type[object]] = {
        "phrases.yaml": Phrases,
        "problems.yaml": ProblemsFile,
        "personas.yaml": PersonasFile,
        "slot_values.yaml": SlotValues,
    }
    for name, shape in shapes.items():
        assert parse_data(_text(name), name, shape) is not None
