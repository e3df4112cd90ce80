"""Recipients read from the roster in S3 (moto's server): managers per agent or team, agents'
own addresses, configurable column names, and every skipped row or uncovered agent reported."""

from __future__ import annotations

import json
from typing import Any

import pytest

from flows.config.settings import Settings
from flows.deliver.roster import configured_recipients, read_recipient_table
from flows.deliver.week import record_key
from flows.pipeline.tasks import deliver
from flows.stores.s3 import S3Store
from tests.flows.deliver.fixtures import WEEK, publish_week
from tests.support.smtp import smtp_server

# Semicolons, a BOM and header names in the roster's own spelling; a-1's contact rows repeat
# its manager; line 6 gives a-2 a second manager; line 7 has no address; a-4 has nobody.
ROSTER = (
    "\ufeffContact ID;Agent ID;Agent Name;Team;Team Lead Email;Email\n"
    "c-1;a-1;Name a-1;Billing;lead.billing@acme.test;a1@acme.test\n"
    "c-2;a-1;Name a-1;Billing;lead.billing@acme.test;\n"
    ";;;Travel;lead.travel@acme.test;\n"
    "c-3;a-2;Name a-2;Billing;lead.billing@acme.test;\n"
    "c-4;a-2;Name a-2;Billing;coach@acme.test;\n"
    "c-5;a-4;Name a-4;Nowhere;see Sam;\n"
)


def s3_settings(store: S3Store, **kw: Any) -> Settings:
    base: dict[str, Any] = {
        "store": "s3",
        "bucket": store.bucket,
        "endpoint_url": store.endpoint_url,
        "out_dir": None,
        "mail_from": "rapport@acme.test",
        "smtp_security": "none",
        "roster": "rosters/roster.csv",
    }
    return Settings(**{**base, **kw})


def test_the_roster_names_managers_agents_and_the_rows_it_skips(s3_store: S3Store) -> None:
    s3_store.put("rosters/roster.csv", ROSTER.encode(), "text/csv")
    table = configured_recipients(s3_settings(s3_store), s3_store)
    assert table.managers == {
        "a-1": "lead.billing@acme.test",
        "Travel": "lead.travel@acme.test",
        "a-2": "lead.billing@acme.test",
    }
    assert table.agent_emails == {"a-1": "a1@acme.test"}
    assert table.problems == (
        "rosters/roster.csv line 6: manager e-mail 'coach@acme.test' for 'a-2', but line 5 "
        "says 'lead.billing@acme.test'; line 5 kept",
        "rosters/roster.csv line 7: manager e-mail 'see Sam' is not one e-mail address",
    )
    # The settings' own table wins over the roster.
    table = configured_recipients(
        s3_settings(s3_store, recipients={"a-2": "coach@acme.test"}), s3_store
    )
    assert table.managers["a-2"] == "coach@acme.test"


def test_the_weeks_delivery_reads_the_roster_and_lists_who_has_nobody(s3_store: S3Store) -> None:
    s3_store.put("rosters/roster.csv", ROSTER.encode(), "text/csv")
    digest = publish_week(s3_store)
    with smtp_server() as inbox:
        summary = deliver.fn(s3_settings(s3_store, smtp_host="127.0.0.1", smtp_port=inbox.port),
                             digest)  # fmt: skip
    assert "error" not in summary, summary
    assert sorted(summary["sent"]) == [
        "a1@acme.test", "lead.billing@acme.test", "lead.travel@acme.test"
    ]  # fmt: skip
    (billing,) = inbox.to("lead.billing@acme.test")
    assert {a.get_filename() for a in billing.iter_attachments()} >= {"a-1.pdf", "a-2.pdf"}
    (travel,) = inbox.to("lead.travel@acme.test")  # by the team row: a-3 is in Travel
    assert "a-3" in str(travel.get_body(("plain",)))
    assert summary["no_recipient"] == ["a-4"]
    assert [p.split(":")[0] for p in summary["recipient_problems"]] == [
        "rosters/roster.csv line 6",
        "rosters/roster.csv line 7",
    ]
    record = json.loads(s3_store.get(record_key("scorecards", WEEK)))
    assert record["no_recipient"] == ["a-4"]
    assert len(record["recipient_problems"]) == 2


def test_roster_columns_name_the_recipient_columns(s3_store: S3Store) -> None:
    roster = "login,squad,Coach,Work Mail\na-1,Billing,lead@acme.test,a1@acme.test\n"
    s3_store.put("rosters/roster.csv", roster.encode(), "text/csv")
    columns = {"agent_id": "login", "team": "squad", "manager_email": "Coach"}
    table = configured_recipients(s3_settings(s3_store, roster_columns=columns), s3_store)
    assert table.managers == {"a-1": "lead@acme.test"}
    assert table.agent_emails == {}  # "Work Mail" is not a name agent_email goes by
    columns["agent_email"] = "work_mail"  # matched ignoring case, spaces and underscores
    table = configured_recipients(s3_settings(s3_store, roster_columns=columns), s3_store)
    assert table.agent_emails == {"a-1": "a1@acme.test"}


def test_a_roster_without_recipient_columns_is_no_error_but_a_recipients_file_is(
    s3_store: S3Store,
) -> None:
    s3_store.put("rosters/roster.csv", b"contact_id,agent_id,team\nc-1,a-1,Billing\n", "text/csv")
    table = configured_recipients(s3_settings(s3_store), s3_store)
    assert table.managers == {}
    assert table.problems == ()
    with pytest.raises(ValueError, match=r"^rosters/roster\.csv: no manager_email or agent_email"):
        configured_recipients(s3_settings(s3_store, recipients_file="rosters/roster.csv"), s3_store)


@pytest.mark.parametrize(
    ("data", "columns", "message"),
    [
        (b"Team Lead Email\nlead@x\n", {}, "people.csv: recipient columns but no agent_id or team"),
        (b"agent_id,email\na-1,a@x\n", {"boss": "x"}, "roster_columns: no such column boss"),
        (b"\n\n", {}, "people.csv: empty file"),
        (b"\xff\xfe\x00\x00a\x00\x00\x00", {}, "people.csv: UTF-32 text is not supported"),
    ],
)
def test_unreadable_recipient_tables_name_the_file_and_the_problem(
    data: bytes, columns: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        read_recipient_table(data, "people.csv", columns)
