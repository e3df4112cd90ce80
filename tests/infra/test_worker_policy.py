"""infra/iam/worker-policy.json: the worker reads transcripts, writes scorecards, nothing else."""

from __future__ import annotations

import json
import re
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from string import Template
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.config.weeks import day_prefix
from flows.publish.publish import week_prefix

BUCKET = "acme-rapport"
OUTPUT_BUCKET = "acme-rapport-out"
VALUES = {
    "bucket": BUCKET,
    "output_bucket": BUCKET,
    "transcripts_prefix": "transcripts",
    "scorecards_prefix": "scorecards",
}
OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")


def template_text(repo_root: Path) -> str:
    return (repo_root / "infra" / "iam" / "worker-policy.json").read_text(encoding="utf-8")


def render(repo_root: Path, **overrides: str) -> dict[str, Any]:
    """Render like Terraform's templatefile: `${name}` only, every name must be given."""
    text = template_text(repo_root)
    assert "%{" not in text, "template directives would not survive as plain JSON"
    doc = json.loads(Template(text).substitute({**VALUES, **overrides}))
    assert isinstance(doc, dict)
    return doc


def listify(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def allowed(policy: dict[str, Any], action: str, resource: str, prefix: str | None = None) -> bool:
    """A small evaluator for this policy's shapes: Allow statements, `*` wildcards, StringLike."""
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        if not any(fnmatchcase(action, a) for a in listify(statement["Action"])):
            continue
        if not any(fnmatchcase(resource, r) for r in listify(statement["Resource"])):
            continue
        like = statement.get("Condition", {}).get("StringLike", {}).get("s3:prefix")
        if like is not None and (
            prefix is None or not any(fnmatchcase(prefix, p) for p in listify(like))
        ):
            continue
        return True
    return False


def test_template_is_json_with_exactly_the_terraform_placeholders(repo_root: Path) -> None:
    text = template_text(repo_root)
    json.loads(text)
    placeholders = set(re.findall(r"\$\{(\w+)\}", text))
    assert placeholders == set(VALUES)
    main_tf = (repo_root / "infra" / "terraform" / "main.tf").read_text(encoding="utf-8")
    call = re.search(
        r"templatefile\(\"\$\{path.module\}/\.\./iam/worker-policy.json\", \{(.*?)\}\)",
        main_tf,
        re.S,
    )
    assert call is not None, "main.tf must render the policy file with templatefile"
    passed = set(re.findall(r"^\s*(\w+)\s*=", call.group(1), re.M))
    assert passed == placeholders


def test_policy_grants_exactly_the_allowed_actions_on_the_allowed_resources(
    repo_root: Path,
) -> None:
    policy = render(repo_root, output_bucket=OUTPUT_BUCKET)
    assert policy["Version"] == "2012-10-17"
    grants = set()
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource", "Condition"}
        for action in listify(statement["Action"]):
            for resource in listify(statement["Resource"]):
                condition = json.dumps(statement.get("Condition"), sort_keys=True)
                grants.add((action, resource, condition))
    list_on = {
        prefix: json.dumps({"StringLike": {"s3:prefix": [f"{prefix}/*"]}}, sort_keys=True)
        for prefix in ("transcripts", "scorecards")
    }
    assert grants == {
        ("s3:ListBucket", f"arn:aws:s3:::{BUCKET}", list_on["transcripts"]),
        ("s3:GetObject", f"arn:aws:s3:::{BUCKET}/transcripts/*", "null"),
        ("s3:ListBucket", f"arn:aws:s3:::{OUTPUT_BUCKET}", list_on["scorecards"]),
        ("s3:GetObject", f"arn:aws:s3:::{OUTPUT_BUCKET}/scorecards/*", "null"),
        ("s3:PutObject", f"arn:aws:s3:::{OUTPUT_BUCKET}/scorecards/*", "null"),
        ("s3:DeleteObject", f"arn:aws:s3:::{OUTPUT_BUCKET}/scorecards/*", "null"),
    }


def test_no_wildcard_actions_or_bucket_wide_objects(repo_root: Path) -> None:
    policy = render(repo_root)
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in listify(statement["Action"]):
            assert "*" not in action
            assert "?" not in action
        for resource in listify(statement["Resource"]):
            assert resource not in {"*", f"arn:aws:s3:::{BUCKET}/*", "arn:aws:s3:::*"}
            assert resource.startswith(f"arn:aws:s3:::{BUCKET}")
            if statement["Action"] == "s3:ListBucket":
                assert resource == f"arn:aws:s3:::{BUCKET}"
                assert statement["Condition"]["StringLike"]["s3:prefix"]
            else:
                assert "/" in resource.removeprefix("arn:aws:s3:::")
                assert resource.endswith("/*")
                assert resource.count("*") == 1


MONDAY = date(2026, 11, 16)


@pytest.mark.parametrize(
    ("action", "key", "expected"),
    [
        ("s3:GetObject", f"{day_prefix('transcripts', MONDAY)}c-1.json", True),
        ("s3:PutObject", f"{day_prefix('transcripts', MONDAY)}c-1.json", False),
        ("s3:DeleteObject", f"{day_prefix('transcripts', MONDAY)}c-1.json", False),
        ("s3:GetObject", f"{week_prefix('scorecards', '2026-W47')}scores.parquet", True),
        ("s3:PutObject", f"{week_prefix('scorecards', '2026-W47')}a-1.pdf", True),
        ("s3:DeleteObject", f"{week_prefix('scorecards', '2026-W47')}manifest.json", True),
        ("s3:GetObject", "transcripts-archive/2026/11/16/c-1.json", False),
        ("s3:PutObject", "scorecards-old/x.pdf", False),
        ("s3:GetObject", "secrets/keys.txt", False),
        ("s3:GetObject", "transcripts", False),
        ("s3:PutObject", "x/scorecards/a.pdf", False),
        ("s3:PutBucketPolicy", "", False),
        ("s3:GetObjectAcl", "transcripts/2026/11/16/c-1.json", False),
    ],
)
def test_object_access_follows_the_prefixes(
    repo_root: Path, action: str, key: str, expected: bool
) -> None:
    policy = render(repo_root)
    resource = f"arn:aws:s3:::{BUCKET}/{key}" if key else f"arn:aws:s3:::{BUCKET}"
    assert allowed(policy, action, resource) is expected


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (day_prefix("transcripts", MONDAY), True),
        (week_prefix("scorecards", "2026-W47"), True),
        (f"{week_prefix('scorecards', '2026-W46')}scores.parquet", True),
        ("transcripts/", True),
        ("", False),
        (None, False),
        ("transcripts", False),
        ("transcriptsX/", False),
        ("other/", False),
    ],
)
def test_listing_is_limited_to_the_prefixes(
    repo_root: Path, prefix: str | None, expected: bool
) -> None:
    policy = render(repo_root)
    assert allowed(policy, "s3:ListBucket", f"arn:aws:s3:::{BUCKET}", prefix) is expected


def test_separate_output_bucket_gets_no_transcript_access(repo_root: Path) -> None:
    policy = render(repo_root, output_bucket=OUTPUT_BUCKET)
    assert not allowed(policy, "s3:GetObject", f"arn:aws:s3:::{OUTPUT_BUCKET}/transcripts/a")
    assert not allowed(policy, "s3:PutObject", f"arn:aws:s3:::{BUCKET}/scorecards/a")
    assert allowed(policy, "s3:PutObject", f"arn:aws:s3:::{OUTPUT_BUCKET}/scorecards/a")
    assert allowed(policy, "s3:ListBucket", f"arn:aws:s3:::{OUTPUT_BUCKET}", "scorecards/")
    assert not allowed(policy, "s3:ListBucket", f"arn:aws:s3:::{OUTPUT_BUCKET}", "transcripts/")


segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=12)
keys = st.lists(segment, min_size=1, max_size=4).map("/".join)


@given(key=keys)
def test_writes_happen_only_under_the_scorecards_prefix(key: str) -> None:
    policy = render(Path(__file__).resolve().parents[2])
    resource = f"arn:aws:s3:::{BUCKET}/{key}"
    for action in ("s3:PutObject", "s3:DeleteObject"):
        assert allowed(policy, action, resource) is key.startswith("scorecards/")
    readable = key.startswith("scorecards/") or key.startswith("transcripts/")
    assert allowed(policy, "s3:GetObject", resource) is readable
