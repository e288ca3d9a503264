"""Draft a persona folder: from a profile PDF when there is one, else a commented template."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.persona import DEFAULT_PUBLIC, PersonaError

from .linkedin import Profile

TEMPLATE_MARK = "<!--"  # what check looks for: template guidance the model would otherwise read
# Placeholders `check` recognises, so a forgotten one is reported rather than published.
TEMPLATE_FACTS: dict[str, Any] = {
    "full_name": "Your Full Name",
    "name": "Your first name",
    "title": "Your headline, e.g. Staff Platform Engineer",
    "location": "City, Country",
    "email": "you@example.com",
    "linkedin": "https://www.linkedin.com/in/your-profile",
    "specialties": ["a skill you want to be asked about", "another one"],
    "experience": [{"company": "Company", "role": "Your role", "dates": "2020 - present"}],
    "education": "Degree, University (year)",
}
SUMMARY_GUIDE = """<!-- Who you are, in the first person, 200 to 4,000 characters: what you do now,
what you did before, what you are proud of, what you are looking for next. The twin answers only
from this folder and says it does not know anything else. The model reads everything in this file:
delete this comment when you are done. -->
"""
STYLE = """<!-- How you talk. The twin copies this voice: write it as notes to an actor (tone,
sentence length, words you like or avoid, British or American spelling, how much humour). Five or
six lines are enough; the lines below are an example to replace. The model reads everything in
this file: delete this comment when you are done. -->
- Warm and direct; short paragraphs and plain words, no buzzwords.
- Concrete over vague: give the number, the tool or the example when there is one.
- First person ("I led...", "I'd be happy to..."), with a light touch of humour now and then.
- When something isn't in my notes, I say so and suggest getting in touch.
"""
GENERIC_STARTERS = ("What do you work on at the moment?", "What are you strongest at?",
                    "What was your biggest project?", "Where are you based?")
HONORIFICS = ("dr", "mr", "mrs", "ms", "prof")


@dataclass
class Draft:
    """The files to write, what was filled, and what the owner should look at."""

    files: dict[str, str]
    filled: dict[str, str] = field(default_factory=dict)  # file name -> what it holds
    missing: list[str] = field(default_factory=list)  # facts the source did not give


def draft_starters(facts: dict[str, Any]) -> list[str]:
    """Four first questions the facts can answer, most specific first."""
    jobs = [e for e in facts.get("experience", []) if e.get("company")]
    companies = [e["company"] for e in jobs]
    questions = []
    if jobs:
        current = re.search(r"present|now|current", jobs[0].get("dates", ""), re.IGNORECASE)
        questions.append(f"What {'do' if current else 'did'} you do at {companies[0]}?")
    if facts.get("specialties"):
        questions.append(f"What have you done with {facts['specialties'][0]}?")
    earlier = [c for c in companies[1:] if c != companies[0]]
    if earlier:
        questions.append(f"What did you work on at {earlier[0]}?")
    if facts.get("education"):
        questions.append("Where did you study?")
    if facts.get("location"):
        questions.append("Where are you based?")
    questions += [q for q in GENERIC_STARTERS if q not in questions]
    return questions[:4]


def _facts(profile: Profile) -> tuple[dict[str, Any], list[str]]:
    words = profile.full_name.split()
    while len(words) > 1 and words[0].rstrip(".").casefold() in HONORIFICS:
        words = words[1:]
    found: dict[str, Any] = {
        "full_name": " ".join(words), "name": words[0] if words else "",
        "title": profile.title, "location": profile.location, "email": profile.email,
        "linkedin": profile.linkedin, "specialties": profile.skills,
        "experience": profile.experience, "education": "; ".join(profile.education),
        "languages": profile.languages, "certifications": profile.certifications,
    }
    missing = [key for key, value in found.items() if not value]
    facts = {key: value for key, value in found.items() if value}
    if not facts.get("full_name"):  # the loader needs both names: leave placeholders to fill
        facts = {"full_name": TEMPLATE_FACTS["full_name"], "name": TEMPLATE_FACTS["name"],
                 **facts}
    return {**facts, "public": list(DEFAULT_PUBLIC)}, missing


def _summary(profile: Profile, facts: dict[str, Any]) -> str:
    if profile.summary:
        return "# About me\n\n" + "\n\n".join(profile.summary) + "\n"
    intro = f"I'm {facts['full_name']}"
    intro += f", {facts['title']}" if facts.get("title") else ""
    intro += f", based in {facts['location']}." if facts.get("location") else "."
    roles = [f"{e['role']} at {e['company']} ({e['dates']})" for e in profile.experience[:3]]
    if roles:
        intro += " My roles so far: " + "; ".join(roles) + "."
    return SUMMARY_GUIDE + "\n" + intro + "\n"


def template_draft() -> Draft:
    """The commented template written when there is no profile to start from."""
    facts = {**TEMPLATE_FACTS, "public": list(DEFAULT_PUBLIC)}
    return Draft({
        "facts.json": json.dumps(facts, ensure_ascii=False, indent=1) + "\n",
        "summary.md": SUMMARY_GUIDE + "\nI'm Your Full Name, ...\n",
        "style.md": STYLE,
        "starters.txt": "\n".join(GENERIC_STARTERS) + "\n",
    }, {"facts.json": "placeholders for every fact", "summary.md": "a template",
        "style.md": "a template with an example", "starters.txt": "four general questions"})


def profile_draft(profile: Profile) -> Draft:
    """Facts, summary and starters drafted from a profile PDF's text."""
    facts, missing = _facts(profile)
    starters = draft_starters(facts)
    counted = [f"{k} ({len(v)})" if isinstance(v, list) else k
               for k, v in facts.items() if k != "public"]
    count = len(profile.summary)
    summary = (f"the Summary section ({count} paragraph{'s' * (count > 1)})" if count
               else "a short draft from the facts (the PDF has no Summary section)")
    return Draft({
        "facts.json": json.dumps(facts, ensure_ascii=False, indent=1) + "\n",
        "summary.md": _summary(profile, facts),
        "style.md": STYLE,
        "starters.txt": "\n".join(starters) + "\n",
    }, {"facts.json": ", ".join(counted), "summary.md": summary,
        "style.md": "a template with an example", "starters.txt": " / ".join(starters)},
        missing)


def write_draft(folder: Path, draft: Draft, pdf: Path | None, force: bool) -> list[Path]:
    """Write the draft (and a copy of the PDF); refuse to overwrite anything unless forced."""
    targets = [folder / name for name in draft.files]
    copy = pdf is not None and (folder / pdf.name).resolve() != pdf.resolve()
    if copy:
        targets.append(folder / pdf.name)
    existing = [path.name for path in targets if path.exists()]
    if existing and not force:
        raise PersonaError(f"{folder}: {', '.join(existing)} already exist; nothing was written "
                           "(add --force to overwrite)")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in draft.files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if pdf is not None and copy:
        shutil.copyfile(pdf, folder / pdf.name)
    return targets
