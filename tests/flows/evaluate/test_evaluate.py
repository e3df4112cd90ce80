"""`python -m flows.evaluate.evaluate`: a missing data folder is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.evaluate.evaluate import main


@pytest.mark.parametrize("flag", ["--cs-dev", "--epitome"])
def test_missing_data_is_named(
    flag: str, data: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cs, ep = data
    missing = tmp_path / "nope"
    args = {"--cs-dev": str(cs), "--epitome": str(ep), flag: str(missing)}
    assert main([a for kv in args.items() for a in kv]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err
    assert flag in err
