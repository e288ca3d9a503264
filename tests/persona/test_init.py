"""`twin persona init`: a persona drafted from a LinkedIn export, or a template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.persona import load_persona
from tests.support import profile_pdf
from tests.support.app import make_config
from tests.support.profile_pdf import linkedin_pdf, scanned_pdf
from twin.cli import main as twin_main


def main(argv: list[str]) -> int:
    """`twin persona ...` in this process."""
    return twin_main(["persona", *argv])

DRAFT_FILES = ["facts.json", "starters.txt", "style.md", "summary.md"]


@pytest.fixture(scope="module", params=["two-column", "single-column"])
def profile(request, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp(request.param)
    return linkedin_pdf(folder / "Profile.pdf", two_column=request.param == "two-column")


def facts_of(folder: Path) -> dict:
    return json.loads((folder / "facts.json").read_text())


def test_init_from_a_linkedin_export_fills_the_facts(profile, tmp_path, capsys):
    folder = tmp_path / "me"
    assert main(["init", str(folder), "--from", str(profile)]) == 0
    facts = facts_of(folder)
    assert facts["full_name"] == profile_pdf.NAME and facts["name"] == "Rosa"
    assert facts["title"] == profile_pdf.TITLE
    assert facts["location"] == profile_pdf.LOCATION
    assert facts["specialties"] == profile_pdf.SKILLS
    assert facts["email"] == profile_pdf.EMAIL
    assert facts["linkedin"] == profile_pdf.LINKEDIN  # re-joined where the sidebar wrapped it
    assert facts["website"] == profile_pdf.WEBSITE  # the Contact column's "(Personal)" site
    assert facts["years_experience"] == 12  # "with 12 years of experience" in the Summary
    # "Confluent Certified Developer for" / "Apache Kafka" wrapped in the column: one name.
    assert facts["certifications"] == profile_pdf.CERTIFICATIONS
    assert facts["experience"] == [
        {"company": "Northwind Analytics", "role": "Head of Data Platform",
         "dates": "March 2021 - Present"},
        {"company": "Harbour Bank", "role": "Senior Data Engineer",
         "dates": "June 2019 - February 2021"},
        {"company": "Harbour Bank", "role": "Data Engineer", "dates": "April 2017 - June 2019"},
        {"company": "Loomwork Studio", "role": "Software Developer", "dates": "2014 - 2017"},
    ]
    assert facts["education"] == (
        "Master of Science - MS, Data Science, University of Edinburgh (2015 - 2016); "
        "Bachelor of Science - BS, Mathematics, University of St Andrews (2010 - 2014)")
    assert facts["languages"] == ["English (Native or Bilingual)", "Spanish (Professional Working)"]
    assert facts["public"] == ["title", "location"]
    summary = (folder / "summary.md").read_text()
    # Two paragraphs, as the export sets them apart by space alone.
    assert summary == "# About me\n\n" + "\n\n".join(
        " ".join(paragraph) for paragraph in profile_pdf.SUMMARY_PARAGRAPHS) + "\n"
    starters = (folder / "starters.txt").read_text().splitlines()
    assert starters == ["What do you do at Northwind Analytics?",
                        "What have you done with Data Engineering?",
                        "What did you work on at Harbour Bank?", "Where did you study?"]
    assert (folder / "Profile.pdf").read_bytes() == profile.read_bytes()
    persona = load_persona(folder)  # the draft loads as start-up loads it, PDF text included
    assert "Harbour Bank" in persona.documents[0][1]
    out = capsys.readouterr().out
    assert "specialties (3), experience (4)" in out and "Review" in out and "check" in out
    assert "notes/        4 notes, one a role" in out


def test_init_writes_one_note_a_role_from_the_experience_section(profile, tmp_path):
    folder = tmp_path / "me"
    assert main(["init", str(folder), "--from", str(profile)]) == 0
    notes = {p.name: p.read_text() for p in (folder / "notes").iterdir()}
    assert sorted(notes) == ["harbour-bank-data-engineer.md",
                             "harbour-bank-senior-data-engineer.md",
                             "loomwork-studio-software-developer.md",
                             "northwind-analytics-head-of-data-platform.md"]
    assert notes["harbour-bank-senior-data-engineer.md"] == (
        "# Senior Data Engineer at Harbour Bank\n\n"
        "June 2019 - February 2021\n"
        "Glasgow, United Kingdom\n\n"
        "Moved the nightly risk batch from Oracle to Spark on EMR, cutting its run from six hours "
        "to forty minutes.\n\n"
        f"Source: {profile_pdf.LINKEDIN}\n")
    # A role with no description and no place: its title and dates.
    assert notes["loomwork-studio-software-developer.md"] == (
        "# Software Developer at Loomwork Studio\n\n2014 - 2017\n\n"
        f"Source: {profile_pdf.LINKEDIN}\n")
    for text in notes.values():
        title = text.splitlines()[0]
        assert title.startswith("# ") and " at " in title
    load_persona(folder)  # a notes folder does not stop the persona loading


def test_a_resume_with_one_line_roles_gets_notes_with_their_place(tmp_path, example_persona):
    folder = tmp_path / "ada"
    assert main(["init", str(folder), "--from", str(example_persona / "resume.pdf")]) == 0
    note = (folder / "notes" / "quarry-labs-software-engineer.md").read_text()
    # The role's place was in brackets on its dated line; its wrapped sentence is whole again.
    assert note == ("# Software Engineer at Quarry Labs\n\n2014 - 2018\nPorto\n\n"
                    "Python and Django web applications for retail and tourism clients.\n")


def test_a_resume_not_from_linkedin_still_gives_a_usable_draft(tmp_path, example_persona,
                                                             capsys):
    folder = tmp_path / "ada"
    assert main(["init", str(folder), "--from", str(example_persona / "resume.pdf")]) == 0
    facts = facts_of(folder)
    assert (facts["full_name"], facts["title"], facts["location"], facts["email"]) == (
        "Ada Marlowe", "Staff Platform Engineer", "Lisbon, Portugal", "ada.marlowe@example.com")
    assert [e["company"] for e in facts["experience"]] == [
        "Tidewater Logistics", "Brightlane Payments", "Quarry Labs"]
    assert facts["experience"][0] == {"company": "Tidewater Logistics",
                                      "role": "Staff Platform Engineer", "dates": "2022 - present"}
    assert "University of Porto" in facts["education"]
    # No Summary section: a first-person draft from the facts, marked for the owner to rewrite.
    summary = (folder / "summary.md").read_text()
    assert "I'm Ada Marlowe, Staff Platform Engineer, based in Lisbon, Portugal." in summary
    assert "<!--" in summary
    assert "Not found" in capsys.readouterr().out  # says which facts to add by hand
    load_persona(folder)


def test_a_resume_without_dated_roles_drafts_without_notes(tmp_path):
    from tests.support.profile_pdf import text_pdf

    source = text_pdf(tmp_path / "cv.pdf", ["Sam Student", "Summary",
                                            "I study data engineering in Porto.",
                                            "Skills", "Python", "Experience", "Acme", "Intern"])
    folder = tmp_path / "sam"
    assert main(["init", str(folder), "--from", str(source)]) == 0
    assert not list(folder.glob("notes/*.md"))  # no role, so no note a role
    load_persona(folder)


def test_init_without_a_pdf_writes_a_commented_template_that_loads(tmp_path, capsys):
    folder = tmp_path / "new"
    assert main(["init", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == DRAFT_FILES
    assert "<!--" in (folder / "style.md").read_text()
    assert "<!--" in (folder / "summary.md").read_text()
    persona = load_persona(folder)
    assert len(persona.starters) == 4
    assert "template" in capsys.readouterr().out


def test_init_never_overwrites_unless_forced(tmp_path, capsys):
    folder = tmp_path / "me"
    folder.mkdir()
    (folder / "style.md").write_text("My own voice.\n")
    assert main(["init", str(folder)]) == 1
    error = capsys.readouterr().err
    assert "style.md already exist" in error and "--force" in error
    assert sorted(p.name for p in folder.iterdir()) == ["style.md"]  # nothing else written
    assert (folder / "style.md").read_text() == "My own voice.\n"

    assert main(["init", str(folder), "--force"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == DRAFT_FILES
    assert "<!--" in (folder / "style.md").read_text()


def test_init_refuses_to_overwrite_a_pdf_of_the_same_name(tmp_path, capsys):
    source = linkedin_pdf(tmp_path / "Profile.pdf")
    folder = tmp_path / "me"
    folder.mkdir()
    (folder / "Profile.pdf").write_bytes(b"%PDF-1.4 an older export")
    assert main(["init", str(folder), "--from", str(source)]) == 1
    assert "Profile.pdf already exist" in capsys.readouterr().err
    # From a PDF already inside the folder, nothing needs copying.
    (tmp_path / "inside").mkdir()
    inside = linkedin_pdf(tmp_path / "inside" / "Profile.pdf")
    assert main(["init", str(inside.parent), "--from", str(inside)]) == 0


def test_init_from_a_missing_or_scanned_pdf(tmp_path, capsys):
    assert main(["init", str(tmp_path / "a"), "--from", str(tmp_path / "nope.pdf")]) == 1
    assert "nope.pdf: file not found" in capsys.readouterr().err
    scanned = scanned_pdf(tmp_path / "scan.pdf")
    assert main(["init", str(tmp_path / "b"), "--from", str(scanned)]) == 0
    assert "no text can be extracted" in capsys.readouterr().out
    assert facts_of(tmp_path / "b")["full_name"] == "Your Full Name"
    assert not (tmp_path / "b" / "scan.pdf").exists()


def test_end_to_end_the_offline_twin_answers_from_the_export(tmp_path):
    from api.app import create_app

    folder = tmp_path / "rosa"
    assert main(["init", str(folder), "--from",
                 str(linkedin_pdf(tmp_path / "Profile.pdf"))]) == 0
    app = create_app(make_config(tmp_path, TWIN_PERSONA=str(folder)))
    client = app.test_client()
    answer = client.post("/api/chat", json={"message": "Where are you based?"}).json["response"]
    assert profile_pdf.LOCATION in answer
    profile = client.get("/api/profile").json
    assert (profile["full_name"], profile["title"]) == (profile_pdf.NAME, profile_pdf.TITLE)
    worked = client.post("/api/chat", json={"message": "What did you do at Harbour Bank?"})
    # The role's description in the PDF answers it, not only the role line from facts.json.
    assert "Moved the nightly risk batch from Oracle to Spark" in worked.json["response"]


def test_a_plain_one_font_resume_still_gives_the_main_facts():
    from api.persona import PdfText
    from twin.persona.linkedin import parse_profile

    lines = [
        "Jane Q. Doe", "Product Designer", "Berlin, Germany | jane@example.net | +49 151 2345678",
        "Profile", "I design calm software for busy people.",
        "Work Experience", "Lead Designer at Finch GmbH | 2019 \u2013 2023",
        "Ran the design system.",
        "Designer, Otter Ltd, 2015 \u2013 2019",
        "Skills", "Figma, user research; prototyping",
        "Education", "BA Design, Universit\u00e4t der K\u00fcnste Berlin, 2015",
    ]
    profile = parse_profile(PdfText(tuple(lines), largest=None))
    assert (profile.full_name, profile.title, profile.location, profile.email) == (
        "Jane Q. Doe", "Product Designer", "Berlin, Germany", "jane@example.net")
    assert profile.experience == [
        {"company": "Finch GmbH", "role": "Lead Designer", "dates": "2019 \u2013 2023"},
        {"company": "Otter Ltd", "role": "Designer", "dates": "2015 \u2013 2019"},
    ]
    assert profile.skills == ["Figma", "user research", "prototyping"]
    assert profile.summary == ["I design calm software for busy people."]
    assert profile.education == ["BA Design, Universit\u00e4t der K\u00fcnste Berlin, 2015"]


def test_starters_fit_the_facts_and_always_number_four():
    from twin.persona.scaffold import GENERIC_STARTERS, draft_starters

    past = {"experience": [{"company": "Acme", "role": "Engineer", "dates": "2010 - 2012"}]}
    assert draft_starters(past) == ["What did you do at Acme?", *GENERIC_STARTERS[:3]]
    assert draft_starters({}) == list(GENERIC_STARTERS)


def test_wrapped_certifications_join_and_whole_ones_stay_apart():
    from twin.persona.linkedin import _join_wrapped

    assert _join_wrapped(["Confluent Certified Developer for", "Apache Kafka",
                          "AWS Certified Data Analytics -", "Specialty", "dbt Fundamentals",
                          "Scrum Master Level A", "Kubernetes and Cloud Native Associate",
                          "(KCNA)"]) == [
        "Confluent Certified Developer for Apache Kafka",
        "AWS Certified Data Analytics - Specialty", "dbt Fundamentals", "Scrum Master Level A",
        "Kubernetes and Cloud Native Associate (KCNA)"]


@pytest.mark.parametrize(("text", "years"), [
    ("Data engineer with 12 years of experience in finance.", 12),
    ("15+ years' experience building platforms", 15),
    ("Over 10 years of hands-on engineering experience.", 10),
    ("I bring 8 yrs experience.", 8),
    ("Three years at Acme, 2019 - 2022, and 4 years in a row on call.", None),
    ("March 2021 - Present (3 years 8 months)", None),
])
def test_years_of_experience_only_when_the_profile_states_them(text, years):
    from twin.persona.linkedin import _years

    assert _years([text]) == years


def test_a_personal_website_wrapped_by_the_column_is_whole_again():
    from twin.persona.linkedin import _website

    assert _website(["rosa@example.org", "www.example.com/blog/rosa-", "whitfield (Personal)"]) \
        == "https://www.example.com/blog/rosa-whitfield"
    assert _website(["https://rosa.dev (Portfolio)"]) == "https://rosa.dev"
    assert _website(["northwind.example (Company)"]) == ""  # the employer's, not the owner's


def test_the_same_title_twice_at_one_company_gets_two_notes():
    from twin.persona.history import Role
    from twin.persona.linkedin import Profile
    from twin.persona.scaffold import role_notes

    profile = Profile(roles=[Role("Acme", "Engineer", "2020 - Present", "", ["Platform."]),
                             Role("Acme", "Engineer", "2015 - 2018", "Porto", [])])
    assert role_notes(profile) == {
        "notes/acme-engineer.md": "# Engineer at Acme\n\n2020 - Present\n\nPlatform.\n",
        "notes/acme-engineer-2.md": "# Engineer at Acme\n\n2015 - 2018\nPorto\n",
    }
