"""Deliver a published week once per recipient, with a delivery record in the output store."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from flows.config.settings import Settings
from flows.deliver.message import build_email, chat_post, failure_email
from flows.deliver.recipients import WeekDigest, plan
from flows.deliver.send import BACKOFF, Mailer, SendError, post_webhook
from flows.render.pdf import TEAM_SUMMARY_FILE
from flows.stores.base import ObjectStore
from flows.stores.s3 import S3Store

log = logging.getLogger("rapport.deliver")
WEBHOOK = "webhook"


def record_key(output_prefix: str, week: str) -> str:
    """`<output prefix>/.deliveries/<week>.json`: beside the week's folder, not inside it, so a
    rerun that replaces the week's files keeps the record of what was already sent."""
    base = output_prefix.strip("/")
    return f"{base}/.deliveries/{week}.json" if base else f".deliveries/{week}.json"


def delivery_configured(settings: Settings) -> bool:
    """Whether anything is to be sent at all."""
    return bool(settings.smtp_host or settings.webhook_url)


def _read_record(store: ObjectStore, key: str) -> dict[str, Any]:
    if not any(obj.key == key for obj in store.list(key)):
        return {}
    data: dict[str, Any] = json.loads(store.get(key))
    return data


def presigned_links(
    store: ObjectStore, prefix: str, names: list[str], hours: int
) -> dict[str, str]:
    """A presigned GET URL per file (S3 only; a local store gets none)."""
    if not isinstance(store, S3Store):
        return {}
    return {
        name: store.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": store.bucket, "Key": prefix + name},
            ExpiresIn=hours * 3600,
        )
        for name in names
    }


def deliver_week(
    settings: Settings,
    digest: WeekDigest,
    store: ObjectStore,
    prefix: str,
    *,
    table: tuple[Mapping[str, str], Mapping[str, str]] = ({}, {}),
    problems: Sequence[str] = (),
    backoff: float = BACKOFF,
) -> dict[str, Any]:
    """Send the week to every recipient not yet sent this very content (all with resend),
    record each outcome as it happens, and return a summary; a failed send is reported,
    never raised. `problems`: rows of the recipient tables that were skipped, reported too."""
    key = record_key(settings.output_prefix, digest.week)
    record = _read_record(store, key)
    sent_before: dict[str, Any] = record.get("recipients", {})
    # A recipients file (or the roster) first; the settings' own table wins over it.
    packets, nobody = plan(
        digest.agents,
        {**table[0], **settings.recipients},
        {**table[1], **settings.agent_emails},
        digest.team_summaries,
    )
    now = datetime.now(UTC)
    expires = now + timedelta(hours=settings.link_expiry_hours)
    summaries = [TEAM_SUMMARY_FILE, *digest.team_summaries.values()]
    all_files = [*summaries, *(a.file for a in digest.agents)]
    links = presigned_links(store, prefix, all_files, settings.link_expiry_hours)
    card_links = (
        {n: u for n, u in links.items() if n not in summaries} if settings.card_links else {}
    )
    summary: dict[str, Any] = {
        "record": store.url(key),
        "sent": [],
        "unchanged": [],
        "failed": [],
        "no_recipient": [a.agent_id for a in nobody],
        "recipient_problems": list(problems),
    }
    recipients: dict[str, Any] = dict(sent_before)
    record = {
        "week": digest.week,
        "recipients": recipients,
        "no_recipient": summary["no_recipient"],
        "recipient_problems": summary["recipient_problems"],
        **({WEBHOOK: record[WEBHOOK]} if WEBHOOK in record else {}),
    }
    if nobody:
        log.warning(
            "%s: no recipient for %d agent(s): %s",
            digest.week,
            len(nobody),
            ", ".join(a.agent_id for a in nobody),
        )

    def save() -> None:
        record["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        store.put(key, json.dumps(record, indent=2).encode(), "application/json")

    mailer = Mailer(settings, backoff) if settings.smtp_host else None
    cache: dict[str, bytes] = {}
    qa_contact = settings.qa_contact or settings.mail_from
    for packet in packets if mailer else []:
        fingerprint = packet.fingerprint(digest, settings.card_links)
        before = sent_before.get(packet.recipient, {})
        if (
            not settings.resend
            and before.get("status") == "sent"
            and before.get("fingerprint") == fingerprint
        ):
            summary["unchanged"].append(packet.recipient)
            continue
        for name in packet.files():
            if name not in card_links and name not in cache:
                cache[name] = store.get(prefix + name)
        msg = build_email(
            packet,
            digest,
            sender=settings.mail_from,
            qa_contact=qa_contact,
            attachments=cache,
            links=card_links,
            expires=expires,
        )
        entry: dict[str, Any] = {
            "role": packet.role,
            "agents": [a.agent_id for a in packet.agents],
            "files": packet.files(),
            "fingerprint": fingerprint,
            "message_id": msg["Message-ID"],
        }
        try:
            assert mailer is not None
            mailer.send(msg)
        except SendError as exc:
            entry.update(status="failed", error=str(exc), at=now.isoformat(timespec="seconds"))
            summary["failed"].append({"recipient": packet.recipient, "error": str(exc)})
            log.error("%s: %s", digest.week, exc)
        else:
            entry.update(status="sent", at=datetime.now(UTC).isoformat(timespec="seconds"))
            summary["sent"].append(packet.recipient)
        recipients[packet.recipient] = entry
        save()
    if settings.webhook_url:
        _post_chat(settings, digest, links, record, summary, backoff)
    save()
    return summary


def _post_chat(
    settings: Settings,
    digest: WeekDigest,
    links: Mapping[str, str],
    record: dict[str, Any],
    summary: dict[str, Any],
    backoff: float,
) -> None:
    assert settings.webhook_url is not None
    payload = chat_post(digest, links)
    fingerprint = digest.fingerprint()
    before = record.get(WEBHOOK, {})
    if (
        not settings.resend
        and before.get("status") == "sent"
        and before.get("fingerprint") == (fingerprint)
    ):
        summary["unchanged"].append(WEBHOOK)
        return
    at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        post_webhook(
            settings.webhook_url.get_secret_value(), payload, settings.send_attempts, backoff
        )
    except SendError as exc:
        record[WEBHOOK] = {"status": "failed", "error": str(exc), "at": at}
        summary["failed"].append({"recipient": WEBHOOK, "error": str(exc)})
        log.error("%s: %s", digest.week, exc)
    else:
        record[WEBHOOK] = {"status": "sent", "fingerprint": fingerprint, "at": at}
        summary["sent"].append(WEBHOOK)


def notify_failure(settings: Settings, week: str, error: BaseException) -> bool:
    """Tell the operations address that a week failed (when e-mail is configured); never
    raises. Returns whether the notice went out."""
    if not (settings.smtp_host and settings.ops_email):
        return False
    msg = failure_email(
        week,
        f"{type(error).__name__}: {error}",
        sender=settings.mail_from,
        recipient=settings.ops_email,
    )
    try:
        Mailer(settings).send(msg)
    except (SendError, ValueError) as exc:
        log.error("could not tell %s that %s failed: %s", settings.ops_email, week, exc)
        return False
    return True
