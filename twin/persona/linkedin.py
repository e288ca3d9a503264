"""Read a LinkedIn "Save to PDF" export (or another résumé) into draft persona facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from api.persona import PdfText
from api.text import EMAIL_IN_TEXT as EMAIL

from .history import DASHES, Role, education, roles

# Section headings, as LinkedIn and most résumés write them, and what each section holds.
SECTIONS = {
    "contact": "contact", "contact information": "contact", "contact details": "contact",
    "top skills": "skills", "skills": "skills", "key skills": "skills", "core skills": "skills",
    "technical skills": "skills", "languages": "languages", "certifications": "certifications",
    "licenses & certifications": "certifications", "certificates": "certifications",
    "summary": "summary", "about": "summary", "about me": "summary", "profile": "summary",
    "professional summary": "summary", "experience": "experience",
    "work experience": "experience", "professional experience": "experience",
    "employment": "experience", "work history": "experience", "education": "education",
    **{name: "other" for name in (
        "honors-awards", "honors & awards", "awards", "publications", "patents", "projects",
        "volunteering", "volunteer experience", "talks", "talks and writing", "writing",
        "speaking", "interests", "courses", "references", "achievements")},
}
LINKEDIN = re.compile(r"linkedin\.com/in/([A-Za-z0-9_%-]+)")
# LinkedIn labels each address in the Contact column; these are the owner's own sites.
WEBSITE = re.compile(r"^(\S+)\s*\((?:Personal|Portfolio|Blog)\)$")
# "12 years of experience", "15+ years' experience", "over 10 years of hands-on experience"
YEARS = re.compile(r"\b(\d{1,2})\+?\s*(?:years|yrs)\.?['\u2019]?\s+(?:of\s+)?(?:[\w-]+\s+){0,3}?"
                   r"experience\b", re.IGNORECASE)
# A line a narrow column wrapped ends on a word no name ends on ("Developer for" / "Apache Kafka").
# Lower case only: "Level A" ends a name, "for" does not.
OPEN_END = re.compile(r"(?:\b(?:for|of|and|in|the|to|with|on|at|by|a|an)|[&,/+-])$")
SEPARATORS = re.compile(rf"\s+[{DASHES}|·•]\s+")


@dataclass
class Profile:
    """The facts found in a profile; anything not found stays empty for the owner to fill."""

    full_name: str = ""
    title: str = ""
    location: str = ""
    email: str = ""
    linkedin: str = ""
    website: str = ""
    years_experience: int | None = None
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    experience: list[dict[str, str]] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)  # the same roles, with what each was
    education: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # paragraphs


def _join_open_brackets(lines: list[str]) -> list[str]:
    """Re-join lines a narrow column wrapped inside brackets: "Spanish (Professional" "Working)"."""
    joined: list[str] = []
    for line in lines:
        if joined and joined[-1].count("(") > joined[-1].count(")"):
            joined[-1] += " " + line
        else:
            joined.append(line)
    return joined


def _join_wrapped(lines: list[str]) -> list[str]:
    """Re-join items a narrow column wrapped: after a line ending on "for", "of", "-"..., or
    before one opening a bracket, the line goes on. (A lower-case start proves nothing: "dbt
    Fundamentals" is a whole certification.)"""
    joined: list[str] = []
    for line in lines:
        if joined and (OPEN_END.search(joined[-1]) or line[:1] == "("):
            joined[-1] += " " + line
        else:
            joined.append(line)
    return joined


def _sections(text: PdfText) -> tuple[list[str], dict[str, list[str]]]:
    """The lines around the name (the name first), and the lines under each known heading."""
    lines = list(text.lines)
    squash = (text.largest or "").replace(" ", "").casefold()
    start = next((i for i, line in enumerate(lines) if squash and line.rstrip(":").casefold()
                  not in SECTIONS and line.replace(" ", "").casefold() == squash), None)
    sections: dict[str, list[str]] = {}
    identity: list[str] = []
    current = identity
    for i, line in enumerate(lines):
        kind = SECTIONS.get(line.rstrip(":").casefold())
        if i == start:
            current = identity = [line]  # the name starts the identity block wherever it is
        elif kind:
            current = sections.setdefault(kind, [])
        else:
            if i in text.breaks and current and current is sections.get("summary"):
                current.append("")  # the Summary's paragraphs stay apart
            current.append(line)
    return identity, {k: _join_open_brackets(v) for k, v in sections.items()}


def _looks_like_place(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 7 and not re.search(r"[@/\d]|www\.", text)
            and ("," in text or words[-1] in ("Area", "Region") or len(words) <= 2))


def _identity(profile: Profile, block: list[str]) -> None:
    if not block:
        return
    profile.full_name, rest = block[0], [line for line in block[1:] if not EMAIL.search(line)]
    if len(rest) >= 2 and _looks_like_place(rest[-1]) and not SEPARATORS.search(rest[-1]):
        # LinkedIn: the headline (perhaps wrapped), then the location on its own line.
        profile.location = rest[-1]
        profile.title = " ".join(rest[:-1]).split(" | ")[0].strip()
        return
    parts = [p.strip() for line in block[1:] for p in SEPARATORS.split(line) if p.strip()]
    others = [p for p in parts if not EMAIL.search(p) and not re.search(r"\d{3}|www\.|://", p)]
    places = [p for p in others[1:] if _looks_like_place(p)]
    profile.title = others[0] if others else ""
    profile.location = places[0] if places else ""


def _linkedin_url(lines: list[str]) -> str:
    for i, line in enumerate(lines):
        if "linkedin.com/in/" in line:
            text = line
            # A long address wraps in the sidebar: read on up to its "(LinkedIn)" label.
            for more in lines[i + 1:i + 3]:
                if "(LinkedIn)" in text or " " in text.split("linkedin.com/in/")[1].strip():
                    break
                text += more
            found = LINKEDIN.search(text)
            if found:
                return f"https://www.linkedin.com/in/{found.group(1).rstrip('-')}"
    return ""


def _website(lines: list[str]) -> str:
    """The owner's own site from the Contact column, re-joined where the column wrapped it."""
    for i, line in enumerate(lines):
        found = WEBSITE.match(line)
        if not found:
            continue
        address = found.group(1)
        if i and lines[i - 1].endswith(("-", "/", ".")) and " " not in lines[i - 1]:
            address = lines[i - 1] + address
        return address if "://" in address else f"https://{address}"
    return ""


def _years(texts: list[str]) -> int | None:
    found = YEARS.search(" ".join(texts))
    return int(found.group(1)) if found else None


def _paragraphs(lines: list[str]) -> list[str]:
    """Re-join wrapped lines; a blank line, or a short line ending a sentence, ends a paragraph."""
    width = max((len(line) for line in lines), default=0)
    paragraphs, current = [], []
    for line in lines:
        if not line:
            paragraphs += [" ".join(current)] if current else []
            current = []
            continue
        current.append(line)
        if line.endswith((".", "!", "?", ":")) and len(line) < width * 0.7:
            paragraphs.append(" ".join(current))
            current = []
    return [*paragraphs, " ".join(current)] if current else paragraphs


def _items(lines: list[str]) -> list[str]:
    items = [p.strip(" .") for line in lines for p in re.split(r"\s*[,;|·•]\s*", line)]
    return [item for item in items if item]


def parse_profile(text: PdfText) -> Profile:
    """Draft facts from a profile's text, whatever order its sections were extracted in."""
    identity, sections = _sections(text)
    profile = Profile()
    _identity(profile, identity)
    everything = "\n".join(text.lines)
    email = EMAIL.search("\n".join(sections.get("contact", [])) or everything)
    profile.email = email.group(0) if email else ""
    profile.linkedin = _linkedin_url(sections.get("contact", []) or list(text.lines))
    profile.skills = _items(sections.get("skills", []))[:12]
    profile.languages = sections.get("languages", [])
    profile.website = _website(sections.get("contact", []))
    profile.certifications = [c.rstrip(".")
                              for c in _join_wrapped(sections.get("certifications", []))]
    profile.roles = roles(sections.get("experience", []))
    profile.experience = [role.fact() for role in profile.roles]
    profile.education = education(sections.get("education", []))
    profile.summary = _paragraphs(sections.get("summary", []))
    profile.years_experience = _years([*identity, *profile.summary])
    return profile
