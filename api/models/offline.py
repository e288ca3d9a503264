"""A deterministic responder that answers from the persona's own text, with no model at all."""

from __future__ import annotations

import math
import re
from collections import Counter

from ..persona import Persona
from ..text import EMAIL_IN_TEXT, WORD, terms
from . import Reply, Tools

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
UNKNOWN = (
    "I'm running in offline mode and answer only from my notes, and they don't cover that, "
    "so I don't know."
)
GREETINGS = frozenset({"hi", "hello", "hey", "morning", "afternoon", "evening"})
# A visitor who wants to work with the person, or to be contacted: it offers a way to get in touch.
INTEREST = re.compile(
    r"\b(hire|hiring|recruit\w*|opportunit\w+|job offer|open to|work with|work together|"
    r"collaborat\w+|consult\w*|freelance|contract\w*|advis\w+|speak at|talk at|give a talk|"
    r"keynote|podcast|opening|vacanc\w+|interested|join (?:our|the|my) team|"
    r"get in touch|contact (?:me|you)|reach (?:me|you)|email me|get back to me|"
    r"my email|email is|"
    r"introduc\w+|interview)\b"
)
AI_QUESTION = re.compile(
    r"\b(are|r) (you|u) (an? )?(ai|bot|robot|real|human|person|chatbot)\b"
    r"|\b(talking|speaking|chatting) (to|with) (a |an |the )?(real|actual|human|person|bot|ai)\b"
)
# Attempts to read or change the twin's instructions, or to make it someone else.
INJECTION = re.compile(
    r"\b(ignore|forget|disregard|override)\b.{0,40}\b(instructions?|rules|notes|prompt|above)\b"
    r"|\bsystem prompt\b|\byour (instructions|rules|configuration|prompt|hidden)\b"
    r"|\brepeat everything\b|\b(you are|you're) now\b|\bfrom now on,? you\b"
    r"|\b(debug|developer|god) mode\b|\bjailbreak\b|\bpretend (to be|you are)\b"
    r"|\bact as\b|\brole-?play\b|\bas dan\b|\bdan,"
)
# Words visitors use for a fact, so "where do you live?" finds the location.
FACT_KEYWORDS = {
    "title": "role job position title current currently now moment work do",
    "location": "based live located location city country where from",
    "email": "email contact reach mail address",
    "linkedin": "linkedin profile contact connect",
    "specialties": "skills specialties expertise strengths good best stack technologies",
    "years_experience": "years experience long career senior",
    "education": "education degree study studied university school college",
    "experience": "experience worked work companies employers career history roles jobs",
}


def _entry(value: dict) -> str:
    # An experience entry from `twin persona init`: {company, role, dates}.
    if value.get("role") and value.get("company"):
        dates = f" ({value['dates']})" if value.get("dates") else ""
        return f"{value['role']} at {value['company']}{dates}"
    return ", ".join(str(v) for v in value.values() if v)


def _fact_sentence(key: str, value: object) -> str:
    if isinstance(value, dict):
        value = _entry(value)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    value = str(value).rstrip(".")
    sentences = {
        "title": f"I work as {value}.",
        "location": f"I'm based in {value}.",
        "email": f"You can reach me at {value}.",
        "linkedin": f"You can find me on LinkedIn: {value}",
        "specialties": f"My specialties: {value}.",
        "years_experience": f"I have {value} years of professional experience.",
        "education": f"Education: {value}.",
    }
    return sentences.get(key, f"{key.replace('_', ' ').capitalize()}: {value}.")


def passages(persona: Persona) -> list[tuple[str, str]]:
    """Split the persona into (text shown, text searched) passages."""
    found: list[tuple[str, str]] = []
    for key, value in persona.facts.items():
        if key in ("name", "full_name", "public") or value in (None, "", []):
            continue
        # A list of records (work history) gives one passage each, so an answer quotes one role.
        records = isinstance(value, list) and all(isinstance(v, dict) for v in value)
        for item in value if records else [value]:
            sentence = _fact_sentence(key, item)
            found.append((sentence, f"{sentence} {FACT_KEYWORDS.get(key, key.replace('_', ' '))}"))
    for block in re.split(r"\n\s*\n", persona.summary):
        text = " ".join(line.lstrip("#-* ").strip() for line in block.splitlines()).strip()
        if text:
            found.append((text, text))
    for _name, document in persona.documents:
        for heading, sentence in document_sentences(document):
            found.append((sentence, f"{heading} {sentence}"))
    for question, answer in persona.answers:  # the owner's answers to questions from the inbox
        found.append((answer, f"{question} {question} {answer}"))
    return found


def document_sentences(text: str) -> list[tuple[str, str]]:
    """(heading, sentence) pairs of extracted PDF text, with wrapped lines re-joined."""
    sentences: list[tuple[str, str]] = []
    chunk: list[str] = []
    heading = ""
    for line in [*text.splitlines(), ""]:
        if len(line.split()) <= 3 and "." not in line:  # a heading or a blank line ends a chunk
            joined = " ".join(chunk)
            sentences += [(heading, s) for s in _SENTENCE_END.split(joined) if len(s.split()) >= 4]
            chunk, heading = [], line.strip()
        else:
            chunk.append(line.strip())
    return sentences


class OfflineModel:
    """Picks the persona passages that best match the question; says so when nothing does."""

    name = "offline"

    def __init__(self, persona: Persona) -> None:
        self.persona = persona
        self.passages = passages(persona)
        self.index = [Counter(terms(searched)) for _shown, searched in self.passages]
        frequency = Counter(t for counts in self.index for t in counts)
        self.idf = {t: math.log(1 + len(self.index) / n) for t, n in frequency.items()}

    def reply(
        self, system: str, messages: list[dict[str, str]], tools: Tools | None = None
    ) -> Reply:
        question = messages[-1]["content"] if messages else ""
        calls = 0
        contact = self.contact_request(question)
        if contact and tools is not None and self._call(tools, "record_contact", contact):
            return Reply(
                f"(Offline mode.) Thank you! I've passed {contact['email']} on to "
                f"{self.persona.name}, who will get back to you.", model_calls=0, tool_calls=1)
        text = self.answer(question)
        asked = {"question": " ".join(question.split())[:500]}
        if text.startswith(UNKNOWN) and tools and self._call(tools, "record_unknown_question",
                                                               asked):
            calls += 1
            text += f" I've noted your question for {self.persona.name}."
        if INTEREST.search(question.lower()):
            text += (
                f" If you'd like {self.persona.name} to get back to you, leave your email "
                "address here or use the Get in touch form."
            )
        return Reply(text, model_calls=0, tool_calls=calls)

    @staticmethod
    def _call(tools: Tools, name: str, arguments: dict[str, str]) -> bool:
        try:
            tools.call(name, arguments)
        except ValueError:  # refused input: answer as if the tool were not there
            return False
        return True

    @staticmethod
    def contact_request(message: str) -> dict[str, str] | None:
        """The record_contact input for a message with an email and a wish to be contacted."""
        email = EMAIL_IN_TEXT.search(message)
        if not email or not INTEREST.search(message.lower()):
            return None
        # The note is the visitor's words as written: cutting the address out of them left
        # "my email is — please get in touch" in the owner's inbox.
        return {"email": email.group(0).rstrip("."), "note": message[:1000]}

    def answer(self, question: str) -> str:
        """Answer one question from the persona's text alone."""
        name = self.persona.name
        lowered = question.lower()
        if INJECTION.search(lowered):
            return (
                f"I can't share or change how I work: I only answer as {name}'s AI twin, from "
                f"what {name} wrote. Ask me about {name}'s work, skills or background."
            )
        if AI_QUESTION.search(lowered):
            return (
                f"I'm {name}'s AI twin, not {name} in person. I answer from what {name} wrote "
                f"about their work; for anything that needs {name}, please contact them directly."
            )
        wanted = set(terms(question))
        scored = sorted(
            (
                (sum(self.idf[t] for t in wanted & counts.keys()), i)
                for i, counts in enumerate(self.index)
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        best = [i for score, i in scored[:2] if score > 0 and score >= scored[0][0] * 0.6]
        if not best:
            if not wanted or set(WORD.findall(lowered)) & GREETINGS:
                return (
                    f"Hi! I'm {name}'s AI twin, running in offline mode. Ask me about "
                    f"{name}'s work, skills or background."
                )
            return UNKNOWN + " Try asking about my work, skills or background."
        answer = " ".join(self.passages[i][0] for i in sorted(best))
        return f"(Offline mode: answering from my notes.) {answer}"
