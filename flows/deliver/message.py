"""Build the e-mails and the chat post of a week (pure: no I/O)."""

from __future__ import annotations

import html
import statistics
from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from checks.transcripts.pii import mask_pii
from checks.transcripts.pseudonyms import mask_around_shields
from flows.deliver.recipients import AgentLine, Packet, WeekDigest, movers
from flows.render.pdf import TEAM_SUMMARY_FILE

WEEK_HEADER = "X-Rapport-Week"


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def change_phrase(agent: AgentLine) -> str:
    """How an agent's week reads in a body: the score and its change on last week. The one
    place that words a change (the scorecards' uncertainty wording belongs here)."""
    score = _score(agent.overall)
    if agent.change is not None and agent.change_text:
        # the scorecard's own words, noise included: "up 4 points: within noise"
        words = agent.change_text.removeprefix("change: ").replace(": ", ", ")
        return f"{score} (vs last week: {words})"
    if agent.change is None:
        return f"{score} (no score last week to compare)"
    points = round(agent.change)
    if points == 0:
        return f"{score} (unchanged on last week)"
    way = "up" if points > 0 else "down"
    return f"{score} ({way} {abs(points)} point{'s' if abs(points) != 1 else ''} on last week)"


def _who(agent: AgentLine) -> str:
    return mask_pii(f"{agent.name} ({agent.agent_id})", names=False)


def body_lines(packet: Packet, digest: WeekDigest) -> list[str]:
    """The message's facts, one line each: the week, who moved, who is flagged."""
    agents = packet.agents
    scored = [a.overall for a in agents if a.overall is not None]
    what = ", ".join(packet.teams) if packet.teams else "your scorecard"
    lines = [f"Rapport QA scorecards for {digest.week} ({digest.week_dates}): {what}."]
    if packet.role == "manager":
        median = statistics.median(scored) if scored else None
        lines.append(
            f"{len(agents)} agent(s); team median overall score {_score(median)}."
            if scored
            else f"{len(agents)} agent(s); no contact scored this week."
        )
        moved = movers(agents)
        lines.append("")
        nobody = "Who moved: nobody by more than the sampling noise."
        lines.append("Who moved:" if moved else nobody)
        lines += [f"- {_who(a)}: {change_phrase(a)}" for a in moved]
        flagged = [a for a in agents if a.flags]
        lines.append("")
        lines.append("Flagged:" if flagged else "Flagged: nobody.")
        lines += [f"- {_who(a)}: {mask_pii('; '.join(a.flags))}" for a in flagged]
    else:
        (agent,) = agents
        lines.append(f"Your overall score: {change_phrase(agent)}.")
        if agent.flags:
            lines.append(f"To look at: {mask_pii('; '.join(agent.flags))}")
    return lines


def file_lines(packet: Packet, links: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """(label, link or None when attached) per file the message carries."""
    out: list[tuple[str, str | None]] = []
    for team, name in packet.summaries:
        out.append((f"Summary of team {team} ({name})", links.get(name)))
    if packet.team_summary and not packet.summaries:
        out.append((f"Team summary ({TEAM_SUMMARY_FILE})", links.get(TEAM_SUMMARY_FILE)))
    for agent in packet.agents:
        out.append((f"Scorecard of {_who(agent)}, {agent.file}", links.get(agent.file)))
    return out


def build_email(
    packet: Packet,
    digest: WeekDigest,
    *,
    sender: str,
    qa_contact: str,
    attachments: Mapping[str, bytes],
    links: Mapping[str, str],
    expires: datetime | None = None,
) -> EmailMessage:
    """One message: plain text and HTML bodies, PDFs attached (those without a link)."""
    msg = EmailMessage()
    subject_what = ", ".join(packet.teams) if packet.teams else "your scorecard"
    msg["Subject"] = f"QA scorecards {digest.week}: {subject_what}"
    msg["From"] = sender
    msg["To"] = packet.recipient
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> ") or "rapport")
    msg["List-Unsubscribe"] = f"<mailto:{qa_contact}?subject=unsubscribe%20{digest.week}>"
    msg[WEEK_HEADER] = digest.week

    facts = body_lines(packet, digest)
    files = file_lines(packet, links)
    until = f" (links valid until {expires:%a %d %b %Y %H:%M} UTC)" if expires and links else ""
    footer = f"Questions about these scores, or to stop receiving them: {qa_contact} (QA contact)."
    text = [*facts, "", f"Files{until}:"]
    text += [f"- {label}: {url}" if url else f"- {label}: attached" for label, url in files]
    text += ["", "-- ", footer]
    msg.set_content("\n".join(text) + "\n")

    esc = html.escape
    parts = []
    for line in facts:
        if not line:
            continue
        parts.append(
            f"<li>{esc(line[2:])}</li>" if line.startswith("- ") else f"<p>{esc(line)}</p>"
        )
    body = "".join(parts).replace("</p><li>", "</p><ul><li>").replace("</li><p>", "</li></ul><p>")
    if body.endswith("</li>"):
        body += "</ul>"
    items = "".join(
        f'<li><a href="{esc(url)}">{esc(label)}</a></li>'
        if url
        else f"<li>{esc(label)}: attached</li>"
        for label, url in files
    )
    msg.add_alternative(
        '<!doctype html><html><head><meta charset="utf-8"></head>'
        '<body style="font-family:sans-serif">'
        f"{body}<p>Files{esc(until)}:</p><ul>{items}</ul>"
        f'<hr><p style="color:#666;font-size:small">{esc(footer)}</p></body></html>\n',
        subtype="html",
    )
    for name in packet.files():
        if name not in links and name in attachments:
            msg.add_attachment(
                attachments[name], maintype="application", subtype="pdf", filename=name
            )
    return msg


def failure_email(week: str, error: str, *, sender: str, recipient: str) -> EmailMessage:
    """The operations notice of a failed week."""
    msg = EmailMessage()
    msg["Subject"] = f"Rapport: week {week} failed"
    msg["From"] = sender
    msg["To"] = recipient
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="rapport")
    msg[WEEK_HEADER] = week
    msg.set_content(
        f"The weekly audit of {week} failed and was not published:\n\n"
        f"{mask_around_shields(error)}\n\nRerun it alone with: rapport run --week {week}\n"
    )
    return msg


def chat_post(digest: WeekDigest, links: Mapping[str, str]) -> dict[str, object]:
    """A Slack-compatible webhook payload: one line per team and links to the PDFs."""
    teams: dict[str, list[AgentLine]] = {}
    for agent in digest.agents:
        teams.setdefault(agent.team or "no team", []).append(agent)
    lines = [f"*Rapport QA scorecards {digest.week}* ({digest.week_dates})"]
    for team, agents in sorted(teams.items()):
        flagged = sum(1 for a in agents if a.flags)
        moved = len(movers(agents))
        line = f"{team}: {len(agents)} agents, {moved} moved, {flagged} flagged"
        own = links.get(digest.team_summaries.get(team, ""))
        lines.append(f"{line} <{own}|team summary>" if own else line)
    if TEAM_SUMMARY_FILE in links:
        lines.append(f"<{links[TEAM_SUMMARY_FILE]}|Team summary>")
    lines += [
        f"<{links[a.file]}|{mask_pii(a.name, names=False)}>"
        for a in digest.agents
        if a.file in links
    ]
    return {"text": "\n".join(lines)}
