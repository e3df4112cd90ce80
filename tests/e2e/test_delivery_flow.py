"""The weekly flow delivers its published week: one e-mail per manager through a real SMTP
server, attachments that are the published PDFs, nothing more on a rerun, ops told of a
failed week, and the run's artifact links to the outputs."""

from __future__ import annotations

import io
import re
import urllib.request
from typing import Any

import pytest
from pypdf import PdfReader

from flows.cli.demo import DEMO_MANAGERS
from flows.pipeline.artifact import outputs_markdown
from flows.pipeline.weekly import weekly_audit
from tests.e2e.conftest import WEEKS, Bucket
from tests.support.smtp import smtp_server

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]

MAIL = {
    "smtp_host": "127.0.0.1",
    "smtp_security": "none",
    "mail_from": "rapport@acme.test",
    "qa_contact": "qa@acme.test",
    "ops_email": "ops@acme.test",
    "recipients": DEMO_MANAGERS,
}
# What a customer's personal data looks like in a body: an address other than ours, a phone.
FOREIGN_EMAIL = re.compile(r"[\w.+-]+@(?!acme\.test|example\.com)[\w-]+\.[\w.]+")
PHONE = re.compile(r"\d[\d ()-]{7,}\d")


def test_the_week_reaches_each_manager_once(generated_bucket: Bucket) -> None:
    bucket = generated_bucket
    with smtp_server() as inbox:
        conf: dict[str, Any] = {**MAIL, "smtp_port": inbox.port}
        weekly_audit(week=WEEKS[0], settings=bucket.settings())  # history, no delivery
        result = weekly_audit(week=WEEKS[1], settings=bucket.settings(**conf))
        assert sorted(result["delivery"]["sent"]) == sorted(DEMO_MANAGERS.values())
        assert result["delivery"]["no_recipient"] == []
        assert len(inbox.received) == len(DEMO_MANAGERS) == 2
        manifest = bucket.manifest(WEEKS[1])
        for team, address in DEMO_MANAGERS.items():
            (msg,) = inbox.to(address)
            assert msg["To"] == address
            assert team in msg["Subject"]
            files = {a.get_filename(): a.get_content() for a in msg.iter_attachments()}
            own = manifest["team_summaries"][team]  # the team's own summary and its 4 cards
            assert own in files
            assert "team-summary.pdf" not in files
            assert len(files) == 5
            reader = PdfReader(io.BytesIO(files[own]))
            assert f"{team} only" in " ".join(p.extract_text() for p in reader.pages)
            for name, data in files.items():
                assert data == bucket.store.get(bucket.key(WEEKS[1], str(name)))
                assert PdfReader(io.BytesIO(data)).pages
                assert name in manifest["files"]
            for part in ("plain", "html"):
                body = msg.get_body((part,))
                assert body is not None
                text = body.get_content()
                assert WEEKS[1] in text
                assert "Who moved" in text
                assert "qa@acme.test" in text
                assert not FOREIGN_EMAIL.search(text), text
                assert not PHONE.search(text), text

        # A rerun that changes nothing sends nothing.
        again = weekly_audit(week=WEEKS[1], settings=bucket.settings(**conf))
        assert again["delivery"]["sent"] == []
        assert len(inbox.received) == 2

        # The artifact's links resolve against the S3 endpoint.
        markdown = outputs_markdown(
            bucket.settings(**conf), WEEKS[1], ["team-summary.pdf"], again["delivery"]
        )
        (url,) = re.findall(r"\((http[^)]+)\)", markdown)
        with urllib.request.urlopen(url) as resp:
            assert resp.read().startswith(b"%PDF")
        assert ".deliveries/2026-W47.json" in markdown

        # A failed week tells the operations address.
        broken = bucket.settings(**conf).model_copy(update={"bucket": "no-such-bucket-here"})
        with pytest.raises(Exception, match="no-such-bucket-here"):
            weekly_audit(week=WEEKS[1], settings=broken)
        (notice,) = inbox.to("ops@acme.test")
        assert "failed" in notice["Subject"]
        assert WEEKS[1] in notice["Subject"]
