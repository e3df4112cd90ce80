"""File names of a week's outputs: one per agent scorecard, never colliding, never too long."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Final

TEAM_SUMMARY_STEM: Final = "team-summary"
TEAM_SUMMARY_FILE: Final = TEAM_SUMMARY_STEM + ".pdf"
# Names of the week's own files (any extension), which no scorecard may take.
RESERVED_STEMS: Final = frozenset(
    {"team-summary", "scores", "ledger", "manifest", "index", "readme", "lock", "agents"}
)
SLUG_MAX_CHARS: Final = 64  # a readable start of the id; with the hash, names stay < 90 bytes
ID_HASH_CHARS: Final = 12  # 48 bits of sha256: a collision in a week's agents is not credible
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+=-]*")
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=-]+")
_EDGE = re.compile(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$")  # a name starts and ends alphanumeric


def scorecard_file_name(agent_id: str) -> str:
    """A file name for an agent's scorecard, unique for every id and at most ~90 bytes.

    An id of safe characters (letters, digits, ``._@+=-``; not starting with a dot), up to 64
    characters and not a name the week uses itself is its own name: ``a-001.pdf``. Any other id
    gets a readable ASCII slug plus ``~`` and a hash of the whole id: ``a_b~1f3c….pdf`` for
    ``a/b``, ``Arger~….pdf`` for ``Ärger``, ``team-summary~….pdf``. No plain id holds ``~``, so
    the two kinds never meet; manifest.json maps each agent id to its file."""
    if (
        _SAFE_ID.fullmatch(agent_id)
        and len(agent_id) <= SLUG_MAX_CHARS
        and agent_id.lower() not in RESERVED_STEMS
    ):
        return f"{agent_id}.pdf"
    ascii_id = unicodedata.normalize("NFKD", agent_id).encode("ascii", "ignore").decode()
    slug = _UNSAFE.sub("_", ascii_id)
    slug = _EDGE.sub("", _EDGE.sub("", slug)[:SLUG_MAX_CHARS]) or "agent"
    digest = hashlib.sha256(agent_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{slug}~{digest[:ID_HASH_CHARS]}.pdf"


def team_summary_file_name(team: str) -> str:
    """A file name for one team's summary: ``team-summary~<slug>~<hash>.pdf``, unique per team
    name and at most ~110 bytes. Two ``~`` keep it apart from every scorecard name (a plain id
    has none, a hashed one exactly one)."""
    ascii_team = unicodedata.normalize("NFKD", team).encode("ascii", "ignore").decode()
    slug = _EDGE.sub("", _EDGE.sub("", _UNSAFE.sub("_", ascii_team))[:SLUG_MAX_CHARS]) or "team"
    digest = hashlib.sha256(team.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{TEAM_SUMMARY_STEM}~{slug}~{digest[:ID_HASH_CHARS]}.pdf"


def is_summary_file(name: str) -> bool:
    """Whether a week's file is the team summary or one team's summary (not a scorecard)."""
    return name == TEAM_SUMMARY_FILE or (
        name.startswith(TEAM_SUMMARY_STEM + "~") and name.count("~") == 2
    )
