from __future__ import annotations

from pathlib import Path

import pytest

from flows.config.settings import Settings, load_settings


def test_precedence_config_then_env_then_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "rapport.toml"
    config.write_text('[rapport]\nbucket = "from-file"\nsample = "7"\ntimezone = "Europe/Paris"\n')
    monkeypatch.setenv("RAPPORT_SAMPLE", "9")
    settings = load_settings(config, timezone="UTC")
    assert settings.bucket == "from-file"
    assert settings.sample_size == 9
    assert settings.timezone == "UTC"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sample", "0", "positive whole number"),
        ("sample", "some", "positive whole number"),
        ("timezone", "Mars/Olympus", "unknown time zone"),
        ("store", "ftp", "s3"),
    ],
)
def test_bad_values_are_named(field: str, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.model_validate({field: value})


def test_all_and_prefix_list() -> None:
    settings = Settings(sample="ALL", input_prefix="Analysis/Voice, Analysis/Chat/")
    assert settings.sample_size is None
    assert settings.input_prefixes == ["Analysis/Voice", "Analysis/Chat"]


def test_broken_config_file_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("bucket = [")
    with pytest.raises(ValueError, match=r"bad\.toml"):
        load_settings(config)
