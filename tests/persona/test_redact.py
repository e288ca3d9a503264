"""Phone numbers and street addresses leave a persona's documents when it is compiled, unless
facts.json states them; `check` says what was removed."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from api.persona import compile_persona, load_persona
from api.prompt import build_system_prompt
from api.redact import MARKS, published, redact, redactions
from tests.support import profile_pdf
from tests.support.app import EXAMPLE_PERSONA
from tests.support.profile_pdf import linkedin_pdf, text_pdf
from twin.cli import main as twin_main

PHONE_MARK, ADDRESS_MARK = MARKS["phone number"], MARKS["street address"]


@pytest.fixture
def persona_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "persona"
    shutil.copytree(EXAMPLE_PERSONA, folder)
    return folder


@pytest.mark.parametrize("phone", [
    "+49 30 1234567", "(555) 123-4567", "+1 (555) 123-4567", "+1 415-555-0134",
    "+44 7700 900123", "+44 (0)20 7946 0958", "+351 912 345 678", "+33 1 23 45 67 89",
    "+91 98765 43210", "+81 3-1234-5678", "555-123-4567", "555.123.4567", "030 1234567",
    "020 7946 0958", "06 12 34 56 78", "0151/2345678",
])
def test_a_phone_number_is_removed_whole(phone):
    # As a LinkedIn export's Contact column writes it, and inside a sentence.
    assert redact(f"Contact\n{phone} (Mobile)\nrosa@example.org") == (
        f"Contact\n{PHONE_MARK} (Mobile)\nrosa@example.org")
    assert redact(f"Call me on {phone}, any weekday.") == f"Call me on {PHONE_MARK}, any weekday."


@pytest.mark.parametrize(("written", "left"), [
    ("555 123 4567 (Mobile)", f"{PHONE_MARK} (Mobile)"),  # plain groups count once labelled
    ("555 123 4567\n(Mobile)", f"{PHONE_MARK}\n(Mobile)"),  # the column wrapped the label
    ("Tel: 12 34 56 78", f"Tel: {PHONE_MARK}"),
    ("Phone: 0131 496 0000", f"Phone: {PHONE_MARK}"),
])
def test_a_labelled_number_is_removed_whatever_its_grouping(written, left):
    assert redact(written) == left


@pytest.mark.parametrize("address", [
    "221B Baker Street", "1600 Amphitheatre Parkway", "350 Fifth Avenue, Suite 3300",
    "10 Downing St", "5 O'Connell Street", "Friedrichstraße 123", "Hauptstr. 5",
    "Karl-Marx-Allee 90", "Rua Augusta, 12", "Via Roma 10", "Calle Mayor 5",
    "Rue de Rivoli 12", "12 rue de Rivoli", "8 rue de l\u2019Église", "PO Box 42",
])
def test_a_street_address_is_removed(address):
    assert redact(f"Contact\n{address}\n10115 Berlin") == f"Contact\n{ADDRESS_MARK}\n10115 Berlin"


@pytest.mark.parametrize("text", [
    # dates, years and their ranges, as exports write them
    "March 2021 - Present (3 years 8 months)", "June 2019 - February 2021 (1 year 9 months)",
    "2019 - 2023", "2010-2014", "(2015 - 2016)", "2014 - 2017 (3 years)", "Jan 2020 - Dec 2022",
    "01/2019 - 03/2021", "05/2019 - 06/2020", "2021-03-14", "01.02.2020", "(2019) 2020 2021",
    "Master of Science - MS, Data Science · (2015 - 2016)",
    # versions and standards
    "Python 3.11.4", "version 1.2.3", "Apache Kafka 3.6", "Oracle 12c", "Java 8", "ES2015",
    "ISO 27001", "SOC 2 Type II", "C++11 and C++ 17", "v2.0.1-beta", "10.0.0.1",
    "192.168.100.200", "ISBN 978-3-16-148410-0",
    # figures in a description
    "moved 300 nightly jobs to dbt", "1,000,000 users", "$1.5M", "99.99% uptime",
    "cut latency from 1200 ms to 300 ms", "2,500 employees (2019)", "10+ years 2015-2020",
    "Led 12 Product Teams", "0.5 FTE", "Won 2 First Place awards at hackathons",
    # company and place names
    "3M", "7-Eleven", "20th Century Fox", "Area 120", "N26", "Zalando SE", "Wayfair",
    "Tel Aviv 2019", "Strasbourg 2019", "Engineering 2019", "Harbour Bank",
    "University of St Andrews", "AWS Certified Data Analytics - Specialty",
    "1100-053 Lisbon",  # a post code
])
def test_no_date_version_figure_or_name_is_taken_for_one(text):
    assert redact(text) == text


def test_what_facts_json_states_stays(persona_dir):
    keep = published(["+49 30 1234567", "Friedrichstraße 123, 10117 Berlin", "Ada"])
    text = ("Mobile +49 30 1234567 or 030 9999999; office Friedrichstraße 123, 10117 Berlin; "
            "home Hauptstr. 5")
    assert redact(text, keep) == (f"Mobile +49 30 1234567 or {PHONE_MARK}; office Friedrichstraße "
                                  f"123, 10117 Berlin; home {ADDRESS_MARK}")
    # The same digits however grouped; not a number that merely shares some of them.
    assert redact("+49 (30) 123-4567", keep) == "+49 (30) 123-4567"
    assert redact("+49 30 12345678", keep) == PHONE_MARK


def test_compiling_removes_them_from_a_document_and_check_says_so(persona_dir, capsys):
    text_pdf(persona_dir / "cv.pdf", ["Ada Marlowe", "Rua Augusta, 12", "1100-053 Lisbon",
                                      "+351 912 345 678 (Mobile)", "Tel: 21 123 4567",
                                      "2018 - 2022: Engineer at Acme"])
    document = dict(compile_persona(persona_dir)["documents"])["cv.pdf"]
    assert document == (f"Ada Marlowe\n{ADDRESS_MARK}\n1100-053 Lisbon\n{PHONE_MARK} (Mobile)\n"
                        f"Tel: {PHONE_MARK}\n2018 - 2022: Engineer at Acme")
    assert redactions(document) == {"phone number": 2, "street address": 1}
    prompt = build_system_prompt(load_persona(persona_dir), date(2026, 12, 3))
    assert "912 345 678" not in prompt and "Rua Augusta" not in prompt
    # Nor in what retrieval may hand a model: the index is built from the redacted text.
    compiled = json.dumps(compile_persona(persona_dir))
    assert "912 345 678" not in compiled
    assert "Rua Augusta" not in compiled and "augusta" not in compiled  # nor as an index term
    assert twin_main(["persona", "check", str(persona_dir)]) == 0
    out = capsys.readouterr().out
    assert "  removed  cv.pdf: 2 phone numbers and 1 street address" in out
    assert "resume.pdf:" not in out.split("Removed")[1]  # nothing to say about a clean one


def test_a_number_the_owner_publishes_in_facts_json_stays_in_the_document(persona_dir, capsys):
    text_pdf(persona_dir / "cv.pdf", ["Ada Marlowe", "+351 912 345 678 (Mobile)"])
    facts = json.loads((persona_dir / "facts.json").read_text())
    (persona_dir / "facts.json").write_text(json.dumps({**facts, "phone": "+351 912 345 678"}))
    document = dict(compile_persona(persona_dir)["documents"])["cv.pdf"]
    assert "+351 912 345 678 (Mobile)" in document
    assert twin_main(["persona", "check", str(persona_dir)]) == 0
    assert "removed" not in capsys.readouterr().out


def test_the_phone_number_of_a_linkedin_export_never_reaches_the_twin(tmp_path, capsys):
    folder = tmp_path / "me"
    source = linkedin_pdf(tmp_path / "Profile.pdf")
    assert twin_main(["persona", "init", str(folder), "--from", str(source)]) == 0
    [(_, document)] = load_persona(folder).documents
    assert profile_pdf.PHONE not in document and f"{PHONE_MARK} (Mobile)" in document
    assert profile_pdf.EMAIL in document and "March 2021 - Present" in document
    assert "phone" not in json.loads((folder / "facts.json").read_text())
    assert twin_main(["persona", "check", str(folder)]) == 0
    assert "removed  Profile.pdf: 1 phone number" in capsys.readouterr().out


def test_init_removes_them_from_the_summary_and_notes_it_drafts_from_the_pdf(tmp_path):
    from api.persona import PdfText
    from twin.persona.linkedin import parse_profile
    from twin.persona.scaffold import profile_draft

    lines = ["Rosa Whitfield", "Data Engineer", "Edinburgh, United Kingdom", "Summary",
             "Reach me on +44 7700 900123 any weekday.", "Experience", "Harbour Bank",
             "Data Engineer", "April 2017 - June 2019", "Glasgow, United Kingdom",
             "Ran the office at 12 Harbour Street and its hotline, (0141) 496 0000."]
    draft = profile_draft(parse_profile(PdfText(tuple(lines))))
    assert f"Reach me on {PHONE_MARK} any weekday." in draft.files["summary.md"]
    assert (f"Ran the office at {ADDRESS_MARK} and its hotline, {PHONE_MARK}."
            in draft.files["notes/harbour-bank-data-engineer.md"])
    assert "April 2017 - June 2019" in draft.files["notes/harbour-bank-data-engineer.md"]
