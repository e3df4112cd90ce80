"""Rubric validation that reports every problem at once: YAML errors, keys given twice, the
file's shape, signal names, and pydantic's findings, each with its key path and line."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from checks.rubric.model import CRITERION_SIGNALS, Rubric
from checks.transcripts.transcript import SIGNALS

Loc = tuple[int | str, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a rubric file: where (key path, line) and what."""

    loc: Loc
    message: str
    line: int | None = None

    def render(self, source: str) -> str:
        """'file: key.path: problem (line N)'."""
        where = f" (line {self.line})" if self.line else ""
        return f"{source}: {_key_path(self.loc)}: {self.message}{where}"


def _key_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "<top>"


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem]) -> None:
    """Record the line of every key and item, and report keys given twice in one mapping."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        (*loc, key),
                        f"given twice (first on line {seen[key]}); YAML would silently keep "
                        "only the last",
                        line,
                    )
                )
            seen.setdefault(key, line)
            lines.setdefault((*loc, key), line)
            _walk(value_node, (*loc, key), lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.setdefault((*loc, i), item.start_mark.line + 1)
            _walk(item, (*loc, i), lines, problems)


def _line_of(loc: Loc, lines: Mapping[Loc, int]) -> int | None:
    """The line of a key path, or of its nearest ancestor written in the file."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _precheck(raw: Any) -> list[Problem]:
    """Problems pydantic would word poorly or miss (the file's shape, names of signals)."""
    if not isinstance(raw, dict):
        return [Problem((), f"expected a mapping, got {type(raw).__name__}")]
    return [
        *_version_problems(raw),
        *_signal_problems(raw.get("signals") or {}),
        *_language_problems(raw.get("languages", ["en"])),
        *_scripted_problems(raw.get("scripted") or {}),
    ]


def _version_problems(raw: Mapping[str, Any]) -> list[Problem]:
    """A version missing or not a string, and the keys Rapport sets itself written in."""
    out: list[Problem] = []
    if "version" not in raw:
        out.append(Problem(("version",), "missing (every rubric must say its version)"))
    elif not isinstance(raw["version"], str):
        out.append(Problem(("version",), 'must be a quoted string such as "2026.11.1"'))
    for key in ("source", "sha256"):
        if key in raw:
            out.append(Problem((key,), "set by Rapport from the file itself; remove it"))
    return out


def _signal_problems(signals: Any) -> list[Problem]:
    """Signal names Rapport does not know, and signals a criterion needs left out or empty."""
    if not isinstance(signals, dict):
        return [Problem(("signals",), "expected a mapping of signal name to spec")]
    out = [
        Problem(("signals", name), f"unknown signal name (known: {', '.join(SIGNALS)})")
        for name in signals
        if name not in SIGNALS
    ]
    return out + _missing_signals(signals)


def _language_problems(languages: Any) -> list[Problem]:
    """A languages key that is not a list, or holds a YAML boolean where a code was meant."""
    if not isinstance(languages, list):
        return [Problem(("languages",), "expected a list of ISO 639-1 codes such as [en, es]")]
    return [
        Problem(("languages", i), f'{code} is not a language code; quote it ("no")')
        for i, code in enumerate(languages)
        if isinstance(code, bool)  # YAML 1.1 reads a bare no (Norwegian) as false
    ]


def _scripted_problems(scripted: Any) -> list[Problem]:
    """Unknown signal names among the signals a scripted line must carry."""
    if not isinstance(scripted, dict):
        return []
    return [
        Problem(("scripted", "signals", i), f"unknown signal name {name!r}")
        for i, name in enumerate(scripted.get("signals") or [])
        if name not in SIGNALS
    ]


def _missing_signals(signals: Mapping[str, Any]) -> list[Problem]:
    """A criterion's signal left out or with nothing to match."""
    needed_by: dict[str, list[str]] = {}
    for criterion, names in CRITERION_SIGNALS.items():
        for name in names:
            needed_by.setdefault(name, []).append(criterion)
    out: list[Problem] = []
    for name, criteria in needed_by.items():
        spec = signals.get(name)
        who = " and ".join(criteria)
        if spec is None:
            out.append(
                Problem(
                    ("signals", name),
                    f"missing, but {who} needs it (without it {who} would be scored as if "
                    "it never happened); keep the signal, with phrases or groups",
                )
            )
        elif isinstance(spec, dict) and not spec.get("phrases") and not spec.get("groups"):
            out.append(
                Problem(
                    ("signals", name),
                    f"has no phrases and no groups, so it never matches; {who} needs it",
                )
            )
    return out


def _validation_problems(exc: ValidationError) -> list[Problem]:
    return [
        Problem(tuple(err["loc"]), str(err["msg"]).removeprefix("Value error, "))
        for err in exc.errors()
    ]


def _yaml_problem(exc: yaml.YAMLError, source: str) -> str:
    """A YAML syntax error as 'file: not valid YAML: why (line N, column M)'."""
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
    why = " ".join(
        str(part) for part in (getattr(exc, "context", None), getattr(exc, "problem", None)) if part
    )
    return f"{source}: not valid YAML: {why or exc}{where}"


def _validated(
    raw: dict[str, Any], text: str, source: str, problems: list[Problem]
) -> Rubric | None:
    """The rubric pydantic reads from ``raw``, or None with its problems added to ``problems``
    (a version problem already reported is not reported again)."""
    data = {k: v for k, v in raw.items() if k not in ("source", "sha256")}
    if isinstance(data.get("signals"), dict):  # unknown names are reported by _precheck
        data["signals"] = {k: v for k, v in data["signals"].items() if k in SIGNALS}
    data["source"] = source
    data["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        reported = {p.loc[:1] for p in problems if p.loc[:1] == ("version",)}
        problems += [p for p in _validation_problems(exc) if p.loc[:1] not in reported]
        return None


def _in_file_order(problems: list[Problem], lines: Mapping[Loc, int]) -> list[Problem]:
    """Each problem once, with the line of its key, sorted by line."""
    seen: set[tuple[Loc, str]] = set()
    unique = []
    for p in problems:
        if (p.loc, p.message) not in seen:
            seen.add((p.loc, p.message))
            unique.append(Problem(p.loc, p.message, p.line or _line_of(p.loc, lines)))
    unique.sort(key=lambda p: p.line or 0)
    return unique


def rubric_problems(text: str, source: str) -> tuple[Rubric | None, list[str]]:
    """The rubric in ``text`` and every problem found in it, each as 'file: key: problem
    (line N)', in file order (the rubric is None when there is any problem)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(exc, source)]
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    if root is not None:
        _walk(root, (), lines, problems)
    problems += _precheck(raw)
    rubric = _validated(raw, text, source, problems) if isinstance(raw, dict) else None
    unique = _in_file_order(problems, lines)
    return (None if unique else rubric), [p.render(source) for p in unique]
