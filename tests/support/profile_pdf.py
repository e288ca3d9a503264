"""LinkedIn-style "Save to PDF" profiles, made at test time with fpdf2 (a fictional person)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

NAME = "Rosa Whitfield"
TITLE = "Head of Data Platform at Northwind Analytics"
LOCATION = "Edinburgh, Scotland, United Kingdom"
EMAIL = "rosa.whitfield@example.org"
LINKEDIN = "https://www.linkedin.com/in/rosa-whitfield-4b2a91"
WEBSITE = "https://rosawhitfield.example.org"
PHONE = "+44 7700 900123"  # LinkedIn puts the phone number in the Contact column
SKILLS = ["Data Engineering", "Apache Spark", "dbt"]
CERTIFICATIONS = ["Google Professional Data Engineer", "AWS Certified Data Analytics - Specialty",
                  "Confluent Certified Developer for Apache Kafka"]

SIDEBAR = [
    ("Contact", [f"{PHONE} (Mobile)", EMAIL, "www.linkedin.com/in/rosa-whitfield-",
                 "4b2a91 (LinkedIn)", "rosawhitfield.example.org (Personal)"]),
    ("Top Skills", SKILLS),
    ("Languages", ["English (Native or Bilingual)", "Spanish (Professional", "Working)"]),
    # The narrow column wraps the longest name, as LinkedIn's does.
    ("Certifications", [*CERTIFICATIONS[:2], "Confluent Certified Developer for", "Apache Kafka"]),
]
# The headline wraps onto a second line, as long LinkedIn headlines do.
IDENTITY = [(NAME, 26), (f"{TITLE} | Building reliable", 12), ("data pipelines", 12),
            (LOCATION, 10.5)]
# Two paragraphs with a blank line between, as LinkedIn sets them; the first ends on a full
# line, so only the space between them tells where it ends.
SUMMARY_PARAGRAPHS = [
    ["I lead the data platform team at Northwind Analytics, where nine engineers and I run the",
     "pipelines behind every report our customers read, with 12 years of experience in data."],
    ["I care about tested, boring data pipelines, clear ownership and on-call rotas that let",
     "people sleep."],
]
SUMMARY = [*SUMMARY_PARAGRAPHS[0], "", *SUMMARY_PARAGRAPHS[1]]  # "" is the blank line
EXPERIENCE = [
    "Northwind Analytics", "Head of Data Platform", "March 2021 - Present (3 years 8 months)",
    LOCATION, "Built the team from two to nine engineers and moved 300 nightly jobs to dbt.",
    # Two roles at one company: LinkedIn puts the company and its total duration first.
    "Harbour Bank", "3 years 11 months", "Senior Data Engineer",
    "June 2019 - February 2021 (1 year 9 months)", "Glasgow, United Kingdom",
    "Moved the nightly risk batch from Oracle to Spark on EMR, cutting its run from six hours",
    "to forty minutes.",
    "Data Engineer", "April 2017 - June 2019 (2 years 3 months)", "Glasgow, United Kingdom",
    "Loomwork Studio", "Software Developer", "2014 - 2017 (3 years)",
]
EDUCATION = [
    "University of Edinburgh", "Master of Science - MS, Data Science · (2015 - 2016)",
    "University of St Andrews", "Bachelor of Science - BS, Mathematics · (2010 - 2014)",
]
MAIN = [("Summary", SUMMARY), ("Experience", EXPERIENCE), ("Education", EDUCATION)]


class _Writer:
    """Writes lines top to bottom in one column, starting new pages with LinkedIn's footer."""

    def __init__(self, pdf: FPDF, x: float, width: float) -> None:
        self.pdf, self.x, self.width = pdf, x, width
        self.y = 40.0

    def line(self, text: str, size: float = 10.5) -> None:
        if self.y > 780:
            self.pdf.add_page()
            self.y = 40.0
        self.pdf.set_font("Helvetica", size=size)
        self.pdf.set_xy(self.x, self.y)
        self.pdf.cell(self.width, size + 2, text)
        self.y += size + 4

    def section(self, heading: str, lines: list[str], size: float = 15.75) -> None:
        self.y += 6
        self.line(heading, size)
        for text in lines:
            if text:
                self.line(text)
            else:  # a blank line: space, and no text at all
                self.y += 14.5


def _new_pdf() -> FPDF:
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creator("Twin tests")
    pdf.add_page()
    return pdf


def _footers(pdf: FPDF) -> None:
    total = pdf.pages_count
    for number in range(1, total + 1):
        pdf.page = number
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(260, 810)
        pdf.cell(80, 10, f"Page {number} of {total}")


def linkedin_pdf(dest: Path, two_column: bool = True) -> Path:
    """A profile export: the sidebar drawn first in two-column order, else one plain column."""
    pdf = _new_pdf()
    if two_column:  # the sidebar on the left of page 1, then the main column beside it
        sidebar = _Writer(pdf, 20, 160)
        for heading, lines in SIDEBAR:
            sidebar.section(heading, lines, 13)
        main = _Writer(pdf, 200, 370)
    else:
        main = _Writer(pdf, 40, 500)
    for text, size in IDENTITY:
        main.line(text, size)
    if not two_column:
        for heading, lines in SIDEBAR:
            main.section(heading, lines, 13)
    for heading, lines in MAIN:
        main.section(heading, lines)
    _footers(pdf)
    pdf.output(str(dest))
    return dest


def text_pdf(dest: Path, lines: list[str]) -> Path:
    """A plain one-column PDF of `lines` (Latin-1 text: the core fonts write no more)."""
    pdf = _new_pdf()
    writer = _Writer(pdf, 40, 500)
    for text in lines:
        writer.line(text)
    pdf.output(str(dest))
    return dest


def broken_pdf(dest: Path, fault: str) -> Path:
    """A profile export spoilt as hostile or damaged files are: `fault` says how.

    "filter": its content stream names a filter nobody knows (/FooooDecode); "old-filter": the
    abbreviation /Fl, which pypdf refuses with a DeprecationError; "xref": the file ends inside
    its cross-reference table. The first two keep every byte offset, so only the stream fails.
    """
    data = linkedin_pdf(dest).read_bytes()
    if fault == "filter":
        data = data.replace(b"/FlateDecode", b"/FooooDecode")
    elif fault == "old-filter":
        data = data.replace(b"/FlateDecode", b"/Fl         ")
    elif fault == "xref":
        data = data[: data.rindex(b"\nxref") + 30]
    else:
        raise ValueError(fault)
    dest.write_bytes(data)
    return dest


def scanned_pdf(dest: Path) -> Path:
    """A PDF with a page and no text on it, as a scanned image gives."""
    pdf = _new_pdf()
    pdf.set_fill_color(200, 200, 200)
    pdf.rect(40, 40, 300, 400, style="F")
    pdf.output(str(dest))
    return dest
