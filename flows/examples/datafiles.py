"""Read the generator's data files (``flows/examples/data/*.yaml``) into typed structures.

Each file is parsed once, at import of the module that owns it, and validated with pydantic into
frozen dataclasses; a malformed file raises :class:`ExampleDataError` naming the file and the key
path (``flows/examples/data/problems.yaml: problems.late_fee.opening: ...``).
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable
from typing import Any, Final, TypeVar

import yaml
from pydantic import TypeAdapter, ValidationError

T = TypeVar("T")
DATA_DIR = "flows/examples/data"


class ExampleDataError(ValueError):
    """A data file of the example-week generator is malformed."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key twice in one mapping (PyYAML would keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_PLAIN: Final = {  # pydantic's words for dataclass arguments, in the words of a data file
    "unexpected_keyword_argument": "unknown key (a typo?)",
    "missing_argument": "missing key",
    "missing": "missing key",
}


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def keyed_by(field: str) -> Callable[[object], object]:
    """A before-validator for a mapping of name to entry: copies each name into ``field``.

    The data files name their entries by mapping key (``late_fee:``), so an error's key path
    names the entry too; the dataclasses keep the name as an ordinary field.
    """

    def copy_keys(raw: object) -> object:
        if not isinstance(raw, dict):
            return raw
        return {k: {**v, field: k} if isinstance(v, dict) else v for k, v in raw.items()}

    return copy_keys


def parse_data(text: str, source: str, shape: type[T]) -> T:
    """Parse YAML ``text`` into ``shape``; raise ExampleDataError naming ``source`` and the key."""
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: builds no objects
    except yaml.YAMLError as exc:
        raise ExampleDataError(f"{source}: not valid YAML: {exc}") from None
    try:
        return TypeAdapter(shape).validate_python(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["loc"] and isinstance(err["loc"][-1], str):
            msg = _PLAIN.get(err["type"], msg)
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        where = f"{_key_path(tuple(err['loc']))}: " if err["loc"] else ""
        raise ExampleDataError(f"{source}: {where}{msg}{more}") from None


def load_data(name: str, shape: type[T]) -> T:
    """The packaged data file ``flows/examples/data/<name>``, validated into ``shape``."""
    resource = importlib.resources.files("flows.examples") / "data" / name
    return parse_data(resource.read_text(encoding="utf-8"), f"{DATA_DIR}/{name}", shape)
