"""Draft a persona folder: from a profile PDF when there is one, else a commented template."""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.persona import DEFAULT_PUBLIC, PersonaError
from api.redact import published, redact

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
        "linkedin": profile.linkedin, "website": profile.website,
        "years_experience": profile.years_experience, "specialties": profile.skills,
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


NOTES = "notes"


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.casefold())) or "role"


def role_notes(profile: Profile) -> dict[str, str]:
    """One Markdown note a role: "# Title at Company", its dates and place, what it was."""
    notes: dict[str, str] = {}
    for role in profile.roles:
        title = " at ".join(part for part in (role.role, role.company) if part)
        stem = _slug(f"{role.company} {role.role}")
        name, n = f"{NOTES}/{stem}.md", 1
        while name in notes:  # the same title twice at one company
            n += 1
            name = f"{NOTES}/{stem}-{n}.md"
        lines = [f"# {title}", "", role.dates]
        lines += [role.location] if role.location else []
        lines += ["", *role.description] if role.description else []
        lines += ["", f"Source: {profile.linkedin}"] if profile.linkedin else []
        notes[name] = "\n".join(lines) + "\n"
    return notes


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
    notes = role_notes(profile)
    filled = {"facts.json": ", ".join(counted), "summary.md": summary,
              "style.md": "a template with an example", "starters.txt": " / ".join(starters)}
    if notes:
        filled[f"{NOTES}/"] = f"{len(notes)} note{'s' * (len(notes) > 1)}, one a role"
    # The summary and the notes are the PDF's words in files the owner keeps: the same phone
    # numbers and street addresses are removed from them as from the PDF's text when compiled.
    keep = published(str(value) for value in facts.values())
    return Draft({
        "facts.json": json.dumps(facts, ensure_ascii=False, indent=1) + "\n",
        "summary.md": redact(_summary(profile, facts), keep),
        "style.md": STYLE,
        "starters.txt": "\n".join(starters) + "\n",
        **{name: redact(text, keep) for name, text in notes.items()},
    }, filled, missing)


def copy_name(pdf: Path) -> str:
    """The name the PDF is copied under: its own when it ends in .pdf (in any case), so the
    compiler reads it, else with .pdf added, which no draft file can be called; never hidden
    (the compiler and `check` skip names starting with a dot)."""
    name = pdf.name.lstrip(".") or "profile"  # a hidden name would be skipped when compiled
    return name if pdf.suffix.casefold() == ".pdf" else f"{name}.pdf"


def write_draft(folder: Path, draft: Draft, pdf: Path | None, force: bool) -> list[Path]:
    """Write the draft (and a copy of the PDF); refuse to overwrite anything unless forced.

    Everything is written into a scratch folder first (inside `folder` when it exists, else
    beside it) and moved into place only once all of it is written, so a failure leaves nothing
    half-written.
    """
    files: dict[str, Path | str] = dict(draft.files)
    if pdf is not None:
        inside = folder / copy_name(pdf)
        if not (inside.exists() and inside.resolve() == pdf.resolve()):
            files[copy_name(pdf)] = pdf
    targets = [folder / name for name in files]
    existing = [str(path.relative_to(folder)) for path in targets if path.exists()]
    if existing and not force:
        raise PersonaError(f"{folder}: {', '.join(existing)} already exist; nothing was written "
                           "(add --force to overwrite)")
    folders = [path.relative_to(folder) for path in targets if path.is_dir()]
    if folders:
        raise PersonaError(f"{folder}: {', '.join(map(str, folders))} is a folder; nothing was "
                           "written")
    # Inside the folder when it exists, else beside it: on the same file system either way, so
    # the moves below are renames.
    home = folder if folder.exists() else folder.parent
    home.mkdir(parents=True, exist_ok=True)
    scratch = home / f".twin-draft-{uuid.uuid4().hex[:12]}"
    scratch.mkdir()  # not mkdtemp: its 0700 would become the persona folder's mode
    try:
        for name, content in files.items():
            (scratch / name).parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, scratch / name)
            else:
                (scratch / name).write_text(content, encoding="utf-8")
        if not folder.exists():
            scratch.rename(folder)  # all at once
            return targets
        for name in files:  # into a folder that exists: one file at a time, each atomically
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(scratch / name, folder / name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return targets
