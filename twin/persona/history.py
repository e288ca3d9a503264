"""Work history and education from a profile's Experience and Education sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DASHES = "-\u2013\u2014"  # hyphen, en dash, em dash
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+"
DATES = re.compile(
    rf"((?:{MONTH})?\d{{4}}\s*[{DASHES}]\s*(?:(?:{MONTH})?\d{{4}}|[Pp]resent|[Nn]ow|[Cc]urrent))"
)
DURATION = re.compile(r"^\(?\d+ (?:years?|months?)(?: \d+ months?)?\)?$")


def _is_description(line: str) -> bool:
    return line.endswith(".") or line[:1].islower() or line[:1] in "-•*" or len(line.split()) > 8


def _role_and_company(text: str) -> tuple[str, str]:
    for separator in (", ", " at ", " @ ", " | ", " - "):
        if separator in text:
            role, company = text.split(separator, 1)
            return role.strip(), company.strip()
    return text.strip(), ""


@dataclass
class Role:
    """One role of an Experience section, as a note about it tells it."""

    company: str
    role: str
    dates: str
    location: str = ""
    description: list[str] = field(default_factory=list)  # paragraphs, bullets on their own

    def fact(self) -> dict[str, str]:
        """The role as facts.json's `experience` holds it."""
        return {"company": self.company, "role": self.role, "dates": self.dates}


def _described(lines: list[str], placed: bool) -> tuple[str, list[str]]:
    """A role's location (unless `placed`: a short line first, not a sentence) and its
    description, re-joined where a line wrapped; a bullet starts its own line."""
    location = ""
    if not placed and lines and not _is_description(lines[0]) and len(lines[0].split()) <= 6:
        location, lines = lines[0], lines[1:]
    joined: list[str] = []
    for line in lines:
        if joined and line[:1] not in "-•*" and not joined[-1].endswith((".", "!", "?", ":")):
            joined[-1] += " " + line
        else:
            joined.append(line)
    return location, joined


def roles(lines: list[str]) -> list[Role]:
    """Each dated role of an Experience section, with where it was and what it was."""
    found: list[tuple[Role, int, int]] = []  # the role, its first line, its dates line
    group, previous = "", -10
    for i, line in enumerate(lines):
        dates_found = DATES.search(line)
        if not dates_found:
            continue
        dates = " ".join(dates_found.group(1).split())
        before = line[: dates_found.start()].strip(f" ,:|({DASHES}")
        after = line[dates_found.end():]
        rest = ""
        if not before and after.strip(" ,:)").strip() and not DURATION.match(after.strip()):
            # "2018 - 2022: Senior Engineer, Acme (Porto). Built ..." on one line
            before, _, rest = after.strip(f" ,:{DASHES}").partition(". ")
        if before:
            place = re.search(r"\s*\(([^)]*)\)\s*$", before)
            role, company = _role_and_company(before[: place.start()] if place else before)
            found.append((Role(company, role, dates, place.group(1) if place else "",
                               [rest] if rest else []), i, i))
            continue
        # LinkedIn: the company, its total duration when it lists several roles, the role, dates.
        role = lines[i - 1] if i >= 1 else ""
        candidate = lines[i - 2] if i >= 2 else ""
        if i >= 3 and DURATION.match(candidate):
            group = company = lines[i - 3]
            start = i - 3
        elif group and (_is_description(candidate) or i - 2 in (previous, previous + 1)):
            company, start = group, i - 1
        else:
            group, company, start = "", candidate, max(i - 2, 0)
        previous = i
        found.append((Role(company, role, dates), start, i))
    if not found:  # a résumé with no dated role (a student's, or another heading)
        return []
    ends = [start for _, start, _ in found[1:]] + [len(lines)]
    for (role, start, dated), end in zip(found, ends, strict=True):
        one_line = start == dated  # its place, if any, was in brackets on the dated line
        location, role.description = _described(role.description + lines[dated + 1:end],
                                                 one_line)
        role.location = role.location or location
    return [role for role, _, _ in found]


def education(lines: list[str]) -> list[str]:
    """One "degree, school (dates)" a school, from an Education section."""
    if not any("·" in line for line in lines):  # one entry a line: keep its first sentence
        return [line.split(". ")[0].rstrip(".") for line in lines if not line[:1].islower()]
    entries: list[str] = []
    school = ""
    for line in lines:
        if "·" not in line:
            school = line
            continue
        degree, _, when = line.partition("·")
        entry = ", ".join(p for p in (degree.strip(), school) if p)
        when = when.strip()
        entries.append(f"{entry} {when}".strip() if when else entry)
        school = ""
    return entries
