"""The calibration set: reproducible, spread across agents and opportunity; the packet masked."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from checks.transcripts.transcript import Contact, Turn
from flows.calibrate.draw import draw_contacts, packet_contacts
from flows.cli.calibrate import packet_pdf


def test_draw_is_reproducible_and_spreads_across_agents_and_opportunity() -> None:
    rows = [
        {
            "contact_id": f"{agent}-{i}",
            "agent_id": agent,
            "state": "scored",
            "opportunity": "needed_shown" if i % 3 == 0 else "none",
        }
        for agent in ("a", "b", "c", "d")
        for i in range(12)
    ]
    drawn = draw_contacts(rows, "2026-W47", 12)
    assert drawn == draw_contacts(list(reversed(rows)), "2026-W47", 12)
    assert drawn != draw_contacts(rows, "2026-W48", 12)
    assert len(set(drawn)) == 12
    per_agent = {a: sum(c.startswith(a) for c in drawn) for a in "abcd"}
    assert set(per_agent.values()) == {3}
    with_opp = sum(int(c.split("-")[1]) % 3 == 0 for c in drawn)
    assert with_opp == 8  # two of each agent's three: opportunity, none, opportunity


def test_packet_numbers_turns_and_masks_personal_data() -> None:
    contact = Contact(
        "c-7",
        None,
        (
            Turn("customer", "Reach me at jo.bloggs@example.com or 07700 900123, it is urgent"),
            Turn("agent", "Thanks Jo, I have updated the delivery address."),
        ),
        started_at=datetime(2026, 11, 18, 9, 30, tzinfo=UTC),
        channel="chat",
    )
    (packet,) = packet_contacts([contact], {"c-7": "a-3"})
    assert packet.agent_id == "a-3"
    assert [t.number for t in packet.turns] == [0, 1]
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(packet_pdf("2026-W47", [packet]))).pages
    )
    assert "jo.bloggs@example.com" not in text
    assert "07700 900123" not in text
    assert "c-7" in text
    assert "agent a-3" in text
    assert "0 customer Reach me at [email] or [phone], it is urgent" in text
    assert "1 agent Thanks [name], I have updated the delivery address." in text
