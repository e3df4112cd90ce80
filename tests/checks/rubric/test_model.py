"""The rubric model: every key documented, languages and bands as the default rubric sets them."""

from __future__ import annotations

import yaml
from pydantic import BaseModel

from checks.rubric.load import load_rubric, parse_rubric
from checks.rubric.model import Rubric
from tests.checks.rubric.default import default_data


def _fields(model: type[BaseModel]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for name, field in model.model_fields.items():
        out.append((f"{model.__name__}.{name}", field.description))
        for kind in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                out += _fields(kind)
    return out


def test_every_key_is_documented() -> None:
    undocumented = [name for name, text in _fields(Rubric) if not text]
    assert undocumented == []


def test_languages_default_to_english_and_are_validated() -> None:
    assert load_rubric().languages == ["en"]
    data = default_data()
    del data["languages"]  # a rubric written before the key existed: its phrases are English
    assert parse_rubric(yaml.safe_dump(data), "old.yaml").languages == ["en"]
    data["languages"] = ["en", "es"]
    assert parse_rubric(yaml.safe_dump(data), "two.yaml").languages == ["en", "es"]


def test_bands_from_the_default_rubric() -> None:
    bands = load_rubric().bands
    assert (bands.meets_from, bands.exceeds_from) == (60, 85)
    assert [bands.band(v) for v in (None, 59.9, 60.0, 84.9, 85.0)] == [
        None,
        "needs improvement",
        "meets",
        "meets",
        "exceeds",
    ]
