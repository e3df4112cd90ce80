"""Loading a rubric: from a file or the packaged default, refused with every problem listed;
and the JSON Schema of a rubric file."""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

from checks.rubric.model import Rubric
from checks.rubric.validate import rubric_problems

DEFAULT_RUBRIC = "rubric.yaml"


class RubricError(ValueError):
    """A rubric file that cannot be used; the message names the file, key path and problem."""


def parse_rubric(text: str, source: str) -> Rubric:
    """Parse and validate rubric YAML; raise RubricError listing every problem, each naming
    the source, key path, problem and line."""
    rubric, problems = rubric_problems(text, source)
    if problems or rubric is None:
        raise RubricError("\n".join(problems) or f"{source}: not a rubric")
    return rubric


def default_rubric_text() -> str:
    """The packaged default rubric's YAML."""
    resource = importlib.resources.files("checks.rubric").joinpath(DEFAULT_RUBRIC)
    # bytes, not text: newline translation would change the hash of a CRLF checkout
    return resource.read_bytes().decode("utf-8")


def load_rubric(path: Path | str | None = None) -> Rubric:
    """Load a rubric file, or the packaged default when path is None."""
    if path is None:
        return parse_rubric(default_rubric_text(), f"checks/rubric/{DEFAULT_RUBRIC}")
    p = Path(path)
    try:
        # bytes, not text: the hash must be of the file as it is, newlines included
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        raise RubricError(f"{p}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise RubricError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    return parse_rubric(text, str(p))


def rubric_json_schema() -> dict[str, Any]:
    """JSON Schema of a rubric file (the keys a QA lead writes, each with its description)."""
    schema = Rubric.model_json_schema(mode="validation")
    for key in ("source", "sha256"):  # set by Rapport, never written in the file
        schema["properties"].pop(key, None)
    schema["title"] = "Rapport rubric"
    return schema
