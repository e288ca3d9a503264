"""Work history and education from a profile's Experience and Education sections."""

from __future__ import annotations

import re

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


def experience(lines: list[str]) -> list[dict[str, str]]:
    """{company, role, dates} for each dated line of an Experience section."""
    entries: list[dict[str, str]] = []
    group, previous = "", -10
    for i, line in enumerate(lines):
        found = DATES.search(line)
        if not found:
            continue
        dates = " ".join(found.group(1).split())
        before, after = line[: found.start()].strip(f" ,:|({DASHES}"), line[found.end():]
        if not before and after.strip(" ,:)").strip() and not DURATION.match(after.strip()):
            # "2018 - 2022: Senior Engineer, Acme (Porto). Built ..." on one line
            before = after.strip(f" ,:{DASHES}").split(". ")[0]
        if before:
            role, company = _role_and_company(re.sub(r"\s*\([^)]*\)\s*$", "", before))
            entries.append({"company": company, "role": role, "dates": dates})
            continue
        # LinkedIn: the company, its total duration when it lists several roles, the role, dates.
        role = lines[i - 1] if i >= 1 else ""
        candidate = lines[i - 2] if i >= 2 else ""
        if i >= 3 and DURATION.match(candidate):
            group = company = lines[i - 3]
        elif group and (_is_description(candidate) or i - 2 in (previous, previous + 1)):
            company = group
        else:
            group, company = "", candidate
        previous = i
        entries.append({"company": company, "role": role, "dates": dates})
    return entries


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
