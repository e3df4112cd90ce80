"""infra/terraform: encrypted, private, versioned, TLS-only buckets and a role with one policy."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

BUCKETS = "aws_s3_bucket.data"


def tf_text(repo_root: Path, name: str) -> str:
    return (repo_root / "infra" / "terraform" / name).read_text(encoding="utf-8")


def blocks(text: str, kind: str) -> dict[str, str]:
    """Top-level `kind "TYPE" "NAME" { ... }` blocks by "TYPE.NAME", braces balanced."""
    found: dict[str, str] = {}
    for match in re.finditer(rf'^{kind} "([\w-]+)" "([\w-]+)" \{{', text, re.M):
        depth, end = 0, match.end() - 1
        for end in range(match.end() - 1, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                break
        found[f"{match.group(1)}.{match.group(2)}"] = text[match.end() : end]
    return found


@pytest.fixture(scope="module")
def resources() -> dict[str, str]:
    return blocks(tf_text(Path(__file__).resolve().parents[2], "main.tf"), "resource")


def of_type(resources: dict[str, str], kind: str) -> list[str]:
    return [body for key, body in resources.items() if key.startswith(f"{kind}.")]


@pytest.mark.parametrize(
    ("kind", "settings"),
    [
        ("aws_s3_bucket_server_side_encryption_configuration", [r'sse_algorithm\s*=\s*"AES256"']),
        (
            "aws_s3_bucket_public_access_block",
            [
                rf"{flag}\s*=\s*true"
                for flag in (
                    "block_public_acls",
                    "block_public_policy",
                    "ignore_public_acls",
                    "restrict_public_buckets",
                )
            ],
        ),
        ("aws_s3_bucket_versioning", [r'status\s*=\s*"Enabled"']),
        ("aws_s3_bucket_ownership_controls", [r'object_ownership\s*=\s*"BucketOwnerEnforced"']),
        ("aws_s3_bucket_policy", [r"tls_only"]),
    ],
)
def test_every_bucket_is_hardened(
    resources: dict[str, str], kind: str, settings: list[str]
) -> None:
    (body,) = of_type(resources, kind)
    assert re.search(rf"for_each\s*=\s*{re.escape(BUCKETS)}\b", body), "must cover every bucket"
    for setting in settings:
        assert re.search(setting, body), setting


def test_buckets_are_the_input_and_output_buckets(resources: dict[str, str]) -> None:
    (body,) = of_type(resources, "aws_s3_bucket")
    assert "for_each = local.buckets" in body
    main = tf_text(Path(__file__).resolve().parents[2], "main.tf")
    assert re.search(r"buckets\s*=\s*toset\(\[var\.bucket_name, local\.output_bucket\]\)", main)


def test_bucket_policy_denies_requests_without_tls(repo_root: Path) -> None:
    main = tf_text(repo_root, "main.tf")
    tls = blocks(main, "data")["aws_iam_policy_document.tls_only"]
    assert re.search(r'effect\s*=\s*"Deny"', tls)
    assert re.search(r'variable\s*=\s*"aws:SecureTransport"', tls)
    assert re.search(r'values\s*=\s*\["false"\]', tls)
    assert "each.value.arn" in tls
    assert '"${each.value.arn}/*"' in tls


def test_worker_role_gets_only_the_policy_file(resources: dict[str, str], repo_root: Path) -> None:
    main = tf_text(repo_root, "main.tf")
    assert not of_type(resources, "aws_iam_role_policy"), "no inline policies"
    assert "managed_policy_arns" not in main
    assert "inline_policy" not in main
    (attachment,) = of_type(resources, "aws_iam_role_policy_attachment")
    assert "aws_iam_policy.worker.arn" in attachment
    (policy,) = of_type(resources, "aws_iam_policy")
    assert "local.worker_policy" in policy
    assert 'templatefile("${path.module}/../iam/worker-policy.json"' in main
    assert (repo_root / "infra" / "iam" / "worker-policy.json").is_file()
    allow_all = re.findall(r'"s3:\*"', main)
    assert len(allow_all) == 1, "s3:* appears only in the TLS deny statement"


def test_every_variable_used_is_declared_and_prefixes_are_checked(repo_root: Path) -> None:
    declared = set(re.findall(r'^variable "(\w+)"', tf_text(repo_root, "variables.tf"), re.M))
    used: set[str] = set()
    for name in ("main.tf", "outputs.tf"):
        used |= set(re.findall(r"\bvar\.(\w+)", tf_text(repo_root, name)))
    assert used <= declared
    text = tf_text(repo_root, "variables.tf")
    for prefix in ("transcripts_prefix", "scorecards_prefix"):
        body = text.split(f'variable "{prefix}"', 1)[1].split("\nvariable ", 1)[0]
        assert "validation" in body
        assert "regex" in body


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_terraform_files_are_formatted_and_parse(repo_root: Path) -> None:
    done = subprocess.run(
        ["terraform", "fmt", "-check", "-diff", str(repo_root / "infra" / "terraform")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
