"""`stats`: conversations, visitor turns, contacts and unknown questions per week; top questions."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from api.inbox import key_time
from twin.printable import printable

from .sources import Source

COLUMNS = ("conversations", "visitor_turns", "contacts", "unknown_questions")
TOP = 10
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def iso_week(moment: datetime) -> str:
    """The ISO week a moment falls in, like 2026-W48."""
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


def normal_question(text: str) -> str:
    """A visitor message reduced so that spellings of the same question count together."""
    return " ".join(text.translate(_QUOTES).casefold().split()).strip(" ?!.,;:'\"")


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def compute_stats(source: Source, since: datetime, now: datetime) -> dict[str, Any]:
    """The figures per ISO week from `since` to `now`, and the questions visitors asked most."""
    weeks: dict[str, Counter[str]] = {}
    day = since
    while day < now:  # every week in the window is shown, the empty ones too
        weeks.setdefault(iso_week(day), Counter())
        day += timedelta(days=1)
    weeks.setdefault(iso_week(now), Counter())
    asked: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for conversation in source.conversations.updated_since(since):
        started = _when(conversation["created_at"])
        if started >= since:
            weeks.setdefault(iso_week(started), Counter())["conversations"] += 1
        for message in conversation["messages"]:
            moment = _when(message["timestamp"])
            if message["role"] != "user" or moment < since:
                continue
            weeks.setdefault(iso_week(moment), Counter())["visitor_turns"] += 1
            key = normal_question(message["content"])
            if key:
                asked[key] += 1
                spellings[key][printable(message["content"])] += 1
    for kind, column in (("contact", "contacts"), ("question", "unknown_questions")):
        for key in source.inbox.keys(kind, since):  # a key holds its time: no entry is read
            weeks.setdefault(iso_week(key_time(key)), Counter())[column] += 1
    ranked = sorted(asked.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP]
    return {
        "since": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "until": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "weeks": [{"week": w, **{c: weeks[w][c] for c in COLUMNS}} for w in sorted(weeks)],
        "top_questions": [{"question": spellings[k].most_common(1)[0][0], "count": n}
                          for k, n in ranked],
    }


def stats_text(stats: dict[str, Any], where: str) -> str:
    """The figures as the owner reads them."""
    head = ("WEEK", "CONVERSATIONS", "VISITOR TURNS", "CONTACTS", "UNKNOWN QUESTIONS")
    totals = {c: sum(w[c] for w in stats["weeks"]) for c in COLUMNS}
    rows = [head] + [(w["week"], *(str(w[c]) for c in COLUMNS)) for w in stats["weeks"]]
    rows.append(("TOTAL", *(str(totals[c]) for c in COLUMNS)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        f"From {stats['since'][:10]} to {stats['until'][:10]}, {where}. ISO weeks (UTC); "
        "conversations are counted in the week they started.",
        "",
    ]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [v.rjust(w) for v, w in zip(row[1:], widths[1:],
                                                                            strict=True)]
        lines.append("  ".join(cells))
    lines += ["", "Questions asked most:"]
    lines += [f"{q['count']:>5}  {q['question'][:100]}" for q in stats["top_questions"]]
    if not stats["top_questions"]:
        lines.append("    (no visitor messages in this period)")
    return "\n".join(lines)
