"""A deterministic responder that answers from the persona's own text, with no model at all."""

from __future__ import annotations

import re

from ..passages import Passage
from ..persona import Persona
from ..text import EMAIL_IN_TEXT, STOPWORDS, WORD
from . import Reply, Tools

UNKNOWN = (
    "I'm running in offline mode and answer only from my notes, and they don't cover that, "
    "so I don't know."
)
GREETINGS = frozenset({"hi", "hello", "hey", "morning", "afternoon", "evening", "hiya", "howdy"})
COURTESY = frozenset({"good", "there", "all", "everyone", "folks", "twin"})  # "Good morning all"
# A message that only acknowledges ("Thanks!", "Ok, great", "👍"): no question to record. It
# holds one of ACKNOWLEDGE and nothing but ACK_FILLER besides ("ok so what do you do" asks).
ACKNOWLEDGE = frozenset({"thanks", "thank", "thx", "ok", "okay", "great", "cool", "cheers",
                         "bye", "goodbye", "perfect", "nice", "alright", "sure"})
ACK_FILLER = frozenset({"it", "you", "very", "much", "so", "got", "see", "ya", "a", "the",
                        "and", "for", "that", "again", "lot", "all"})
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
MAX_PASSAGES = 2  # an answer quotes at most this many passages
# A second passage is quoted only when it scores nearly as well and covers the question as fully.
CLOSE_SCORE = 0.8


def is_greeting(message: str) -> bool:
    """Whether the message is a greeting and nothing more: every word of it a greeting or a
    stop-word ("Hi there!", "Good morning"), at least one a greeting."""
    said = [w for w in WORD.findall(message.lower()) if len(w) > 1]  # not the s of "it's"
    return bool(set(said) & GREETINGS) and all(
        w in GREETINGS or w in STOPWORDS or w in COURTESY for w in said)


def is_acknowledgement(message: str) -> bool:
    """Whether the message asks nothing: no question mark, no word at all ("👍"), or a thanks or
    an ok with only filler beside it ("Thanks!", "Ok, great", "Thank you so much")."""
    said = [w for w in WORD.findall(message.lower()) if len(w) > 1 or w == "a"]
    if "?" in message:
        return False
    return not said or (bool(set(said) & ACKNOWLEDGE)
                        and all(w in ACKNOWLEDGE or w in ACK_FILLER for w in said))


def _quoted(passage: Passage) -> str:
    """A passage as the reply quotes it: a note's passage after its title, so a role note that is
    only dates and a link still says which role and where ("Senior Engineer at N26: ...")."""
    if passage.kind != "note" or not passage.title or passage.text.startswith(passage.title):
        return passage.text
    return f"{passage.title}: {passage.text}"


class OfflineModel:
    """Picks the persona passages that best match the question; says so when nothing does."""

    name = "offline"
    reads_reference = False  # it searches the persona's index itself, all kinds at once

    def __init__(self, persona: Persona) -> None:
        self.persona = persona

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
        hits = self.persona.index.search(question, limit=MAX_PASSAGES)
        best = [hit.passage for hit in hits if hit.score >= hits[0].score * CLOSE_SCORE
                and hit.coverage >= hits[0].coverage]
        if not best:
            if is_greeting(question):
                return (
                    f"Hi! I'm {name}'s AI twin, running in offline mode. Ask me about "
                    f"{name}'s work, skills or background."
                )
            if is_acknowledgement(question):
                return f"You're welcome. Ask me anything else about {name}'s work."
            # A question of stop-words alone ("Can you tell me more about it?") is still a
            # question: it is unknown, and recorded, like any other the notes do not answer.
            return UNKNOWN + " Try asking about my work, skills or background."
        answer = " ".join(_quoted(passage) for passage in best)
        # The page renders https links; a passage from a note with a Source: line cites it.
        sources = list(dict.fromkeys(p.source for p in best if p.source))
        cited = "".join(f" Source: {source}" for source in sources)
        return f"(Offline mode: answering from my notes.) {answer}{cited}"
