"""The coaching table: tips.yaml loads, and a broken table is refused naming file and key."""

from __future__ import annotations

import importlib.resources

import pytest

from checks.coaching.table import TABLE_FILE, Count, TableError, coaching_table, parse_table


def _packaged() -> str:
    return importlib.resources.files("checks.coaching").joinpath("tips.yaml").read_text("utf-8")


def test_packaged_table_loads_once() -> None:
    table = coaching_table()
    assert table is coaching_table()
    assert list(table.tips)[:2] == ["empty_understand", "missed_empathy"]
    assert table.tips["no_ownership"].title == "Commit to a concrete action"
    assert table.strengths["warmth"].criterion == "hospitality"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{findings:time} across", "{finding:time} across", "strengths.reflects_problem.detail"),
        ("severity: {findings: 1.6}", "severity: {finding: 1.6}", "tips.sympathy_overload"),
        ("twin: warmth", "twin: warm", "tips.no_warmth.twin: 'warm' is not a strength"),
        ("contacts_from: cold", "contacts_from: chilly", "tips.no_warmth.contacts_from"),
        ("  hospitality: Greet", "  hosting: Greet", "stretch_goals"),
        ("  explores:\n", "  exploring:\n", "strengths: needs exactly"),
    ],
)
def test_a_broken_table_names_file_and_key(old: str, new: str, message: str) -> None:
    text = _packaged()
    assert old in text
    with pytest.raises(TableError, match=rf"^{TABLE_FILE}: .*") as err:
        parse_table(text.replace(old, new, 1))
    assert message in str(err.value)


def test_not_yaml_is_refused() -> None:
    with pytest.raises(TableError, match="not YAML"):
        parse_table("tips: [", "x.yaml")


@pytest.mark.parametrize(
    ("n", "spec", "text"),
    [
        (1, "time", "1 time"),
        (2, "time", "2 times"),
        (2, "dismissive reply|dismissive replies", "2 dismissive replies"),
        (1, "dismissive reply|dismissive replies", "1 dismissive reply"),
        (3, "", "3"),
    ],
)
def test_count_writes_its_noun(n: int, spec: str, text: str) -> None:
    assert format(Count(n), spec) == text
