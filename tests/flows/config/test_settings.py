from __future__ import annotations

import json
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


def test_settings_read_smtp_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_SMTP_HOST", "smtp.acme.test")
    monkeypatch.setenv("RAPPORT_SMTP_PASSWORD", "s3cret")
    monkeypatch.setenv("RAPPORT_RECIPIENTS", '{"Billing": "lead@acme.test"}')
    conf = Settings()
    assert conf.smtp_host == "smtp.acme.test"
    assert conf.recipients == {"Billing": "lead@acme.test"}
    assert conf.smtp_password is not None
    assert "s3cret" not in repr(conf)
    assert conf.smtp_password.get_secret_value() == "s3cret"
    # What Prefect stores as a flow run's parameters (JSON) keeps the secret out.
    assert "s3cret" not in json.dumps(conf.model_dump(mode="json"))


def test_screen_and_how_far_a_sample_first_run_reads() -> None:
    assert Settings().screen_depth == 10  # auto: twice the sample of 5
    assert Settings().draw_depth == 10
    assert Settings(sample="5", screen="3").screen_depth == 5  # never fewer than the sample
    assert Settings(sample="5", screen="3").draw_depth == 6  # one past it: "every contact"?
    assert Settings(screen="all").draw_depth is None  # the whole week is screened: read it all
    assert Settings(sample="all").draw_depth is None
    assert Settings(sample_policy="random").draw_depth == 6
    assert Settings(coaching_picks=2).draw_depth is None  # picks look at every contact
    with pytest.raises(ValueError, match="screen must be"):
        Settings(screen="some")
