"""When an event happened: the time expressions of its sentence resolved against the publication date.

Follows ../shared/data/gold/CONVENTIONS.md, "Dates" and "Background":

- The event date is the date a DATE entity of the sentence names ("on Thursday", "Dec. 23", "last month",
  "in May 2021"), the one attached to the event's verb first, parsed with dateparser relative to the
  publication date. Announced events ("will visit on Thursday") look forwards: the next Thursday; reported
  ones backwards: the last. A weekday that is the publication's own day is that day either way ("said on
  Tuesday" in a Tuesday article).
- Its precision is "day", "week" ("last week": the same weekday a week before), "month" (first day of the
  month) or "year" (1 January).
- Without a date in the sentence it is the publication date; without a publication date, only an
  expression that names its year ("in May 2021", "March 3, 2020") gives one, else it is null.
- Without a publication date, a reported event its own clause dates by a month or a year alone ("in
  October", "last June", "in May 2011", "earlier this year") is background: news gives the day of its news ("on Tuesday",
  "January 8") and dates its history by month and year; nothing else could tell how far back it was.
- An event is background when its period ended more than BACKGROUND_DAYS before publication ("in 2014",
  "last year" in March), when it is said to have happened "earlier this year" or "last year", or when it is told in the
  past perfect outside reported speech ("the army had seized the town", "after rebels had shelled it";
  "officials said rebels had shelled the town" is reported speech, shifted back, and stays an event).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from dateparser.date import DateDataParser
from dateutil import parser as iso_parser
from spacy.tokens import Span, Token

from pipelines.nlp.knowledge import coder_knowledge

BACKGROUND_DAYS = 62
"""CONVENTIONS: "events more than about two months before publication" are background; "last month" is
coded, and its first day can be 61 days back (published on 31 March, "last month" is 1-29 February)."""

PRECISIONS = ("day", "week", "month", "year")
_PERIOD_PRECISION = {"day": "day", "part_of_day": "day", "time": None, "week": "week", "month": "month", "year": "year"}

_WORDS = coder_knowledge("en").language  # date_future_auxiliaries, date_future_heads, date_reporting_verbs: lang/en.yaml
_PREFIXES = re.compile(r"^(?:on|in|at|during|since|from|by|around|about|of|the|this past|the past|earlier|early|"
                       r"late|later|mid-?|the end of|the beginning of|the start of|the middle of)\s*", re.IGNORECASE)
_SUFFIXES = re.compile(r"(?:'s|’s)$")
_DURATION = re.compile(r"^(?!(?:last|next|this|that|past|previous|coming|recent)\b)(?:a few|[\w-]+)\s+"
                       r"(?:hours?|days?|weeks?|months?|years?|decades?)\b", re.IGNORECASE)
"""A length of time ("fifteen years", "a few days"), not a date, unless it ends in "ago"."""
_SEASON_RANGE = re.compile(r"\b\d{4}\s*[-–/]\s*\d{2}\b")
_HAS_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_RELATIVE_YEAR = re.compile(r"\b(?:of\s+)?(this|last|next) year\b", re.IGNORECASE)
_LAST_MONTH_NAMED = re.compile(r"^last (" + "|".join(_MONTHS) + r")$", re.IGNORECASE)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class EventDate:
    date: str | None
    """YYYY-MM-DD, or None when nothing dates the event."""
    precision: str = "day"
    background: bool = False


def published_date(published_at: str | None) -> dt.date | None:
    if not published_at:
        return None
    try:
        return iso_parser.isoparse(published_at).date()
    except (ValueError, OverflowError):
        return None


def event_date(clause: Token, sentence: Span, published: dt.date | None, event_noun: Token | None = None) -> EventDate:
    """The date, precision and background flag of the event whose verb (or event noun) is `clause`; a date
    inside the event noun's own phrase ("led the largest demonstration, held on September 20") is its date."""
    entities = date_entities(sentence)

    def attached(entity: Span) -> bool:
        return _attached_to(entity.root, clause) or (
            event_noun is not None and event_noun.i != clause.i and event_noun in entity.root.ancestors)

    entities.sort(key=lambda entity: not attached(entity))
    future = is_future(clause)
    for entity in entities:
        if published is None and not future and attached(entity) and (
                _names_month_or_year_only(entity.text) or _dates_a_past_year(entity.text)):
            resolved = resolve(entity.text, None)
            precision = resolved[1] if resolved else "month"
            return EventDate(resolved[0].isoformat() if resolved else None, precision, True)
        resolved = resolve(entity.text, published, future=future)
        if resolved is not None:
            day, precision = resolved
            # only a date of the event's own clause makes it background: "the August 13 accord" dates the accord
            background = attached(entity) and (_long_before(day, precision, published) or (
                precision == "year" and ("earlier" in entity.text.lower() or _dates_a_past_year(entity.text))
                and not future))
            return EventDate(day.isoformat(), precision, background or is_past_perfect_background(clause))
    return EventDate(published.isoformat() if published else None, "day", is_past_perfect_background(clause))


def resolve(text: str, published: dt.date | None, *, future: bool = False) -> tuple[dt.date, str] | None:
    """(first day of the period, precision) a time expression names, or None ("three years", "the 58-year-old")."""
    cleaned = _clean(text)
    if not cleaned or _DURATION.match(cleaned) and "ago" not in cleaned.lower() or _SEASON_RANGE.search(cleaned):
        return None
    if published is None:
        if not _HAS_YEAR.search(cleaned):
            return None  # "on Thursday" with no publication date names no day
        return _parse(cleaned, None, "past")
    resolved = _parse(_with_absolute_year(cleaned, published), published, "future" if future else "past")
    if resolved is None:
        return None
    day, precision = resolved
    if precision == "day" and _names_weekday(cleaned, published):
        return published, "day"  # "said on Tuesday", "will meet on Tuesday" in a Tuesday article: that day
    if future and precision == "day" and day != published:
        past = _parse(cleaned, published, "past")
        if past is not None and past[0] == published:
            return past  # "will visit March 3" published on 3 March: that day, not next year's
    return day, precision


def is_future(clause: Token) -> bool:
    """Whether the clause announces its event: "will visit", "plans to visit", "is set to meet"."""
    if any(child.dep_ == "aux" and child.lower_ in _WORDS.date_future_auxiliaries for child in clause.children):
        return True
    if clause.dep_ == "xcomp" and clause.head.lemma_.lower() in _WORDS.date_future_heads:
        return True
    return clause.dep_ in ("xcomp", "conj") and clause.head.i != clause.i and clause.head.pos_ in ("VERB", "AUX") \
        and any(child.dep_ == "aux" and child.lower_ in _WORDS.date_future_auxiliaries for child in clause.head.children)


def is_past_perfect_background(clause: Token) -> bool:
    """"The army had seized the town": told in the past perfect, not in reported speech."""
    if clause.tag_ != "VBN" or not any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in clause.children):
        return False
    head = clause
    while head.dep_ in ("conj",) and head.head.i != head.i:
        head = head.head
    return not (head.dep_ in ("ccomp", "parataxis") and head.head.lemma_.lower() in _WORDS.date_reporting_verbs)


def date_entities(sentence: Span) -> list[Span]:
    """The DATE entities inside `sentence`, read from its own tokens: `Span.ents` rebuilds every entity of the doc
    on each call, which made coding quadratic in article length (issue 10: 195,000 characters took minutes)."""
    doc, dates, start = sentence.doc, [], None
    for token in sentence:
        if start is not None and token.ent_iob_ != "I":
            dates.append(Span(doc, start, token.i, label="DATE"))
            start = None
        if token.ent_iob_ == "B" and token.ent_type_ == "DATE":
            start = token.i
    if start is not None and (sentence.end == len(doc) or doc[sentence.end].ent_iob_ != "I"):
        dates.append(Span(doc, start, sentence.end, label="DATE"))
    return dates


def _attached_to(token: Token, clause: Token) -> bool:
    """Whether a date belongs to the clause: attached to it, or to the clause it is an adverbial or a
    coordinated part of ("On February 9, a journalist was filming when rockets struck": the strike too)."""
    owners = (token.head.i, token.head.head.i)
    return clause.i in owners or (clause.dep_ in ("advcl", "conj") and clause.head.i in owners)


def _clean(text: str) -> str:
    text = _SUFFIXES.sub("", text.strip().rstrip(".,;:"))
    previous = None
    while previous != text:
        previous, text = text, _PREFIXES.sub("", text, count=1).strip()
    return text


def _with_absolute_year(text: str, published: dt.date) -> str:
    """"January of this year", "May last year", "last November": the year written out, which dateparser reads
    (it returns nothing for these). "Last November" is the latest November before the publication month."""
    named = _LAST_MONTH_NAMED.match(text)
    if named:
        month = _MONTHS.index(named.group(1).lower()) + 1
        return f"{named.group(1)} {published.year if month < published.month else published.year - 1}"
    if not any(month in text.lower() for month in _MONTHS):
        return text
    offsets = {"this": 0, "last": -1, "next": 1}
    return _RELATIVE_YEAR.sub(lambda m: str(published.year + offsets[m.group(1).lower()]), text)


def _dates_a_past_year(text: str) -> bool:
    """"Earlier this year", "last year" (language background_year_phrases)."""
    lower = " ".join(text.lower().split())
    return any(phrase in lower for phrase in _WORDS.background_year_phrases)


def _names_month_or_year_only(text: str) -> bool:
    """"in October", "last June", "in May 2011", "in 2009": a month or a year, no day or weekday."""
    lower = _clean(text).lower()
    named = any(re.search(rf"\b{month}\b", lower) for month in _MONTHS) or _HAS_YEAR.search(lower)
    return bool(named) and not re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b", lower) and \
        not any(day in lower for day in _WEEKDAYS) and "week" not in lower and "ago" not in lower


def _names_weekday(text: str, published: dt.date) -> bool:
    lower = text.lower()
    return _WEEKDAYS[published.weekday()] in lower and not re.search(r"\b(?:last|next|this past)\b", lower)


def _long_before(day: dt.date, precision: str, published: dt.date | None) -> bool:
    """Whether the whole period ended more than BACKGROUND_DAYS before publication."""
    if published is None:
        return False
    if precision == "year":
        end = dt.date(day.year, 12, 31)
    elif precision == "month":
        end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    elif precision == "week":
        end = day + dt.timedelta(days=6)
    else:
        end = day
    return (published - end).days > BACKGROUND_DAYS


@functools.lru_cache(maxsize=4096)
def _parse(text: str, published: dt.date | None, prefer: str) -> tuple[dt.date, str] | None:
    settings = {"PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True, "PREFER_DAY_OF_MONTH": "first",
                "STRICT_PARSING": False}
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time())
    try:
        data = _parser(tuple(sorted(settings.items(), key=str))).get_date_data(text)
    except (ValueError, OverflowError, TypeError):
        return None
    precision = _PERIOD_PRECISION.get(data.period)
    if data.date_obj is None or precision is None:
        return None
    day = data.date_obj.date()
    if precision == "month":
        day = day.replace(day=1)
    elif precision == "year":
        day = day.replace(month=1, day=1)
    return day, precision


@functools.lru_cache(maxsize=16)
def _parser(settings: tuple) -> DateDataParser:
    return DateDataParser(languages=["en"], settings=dict(settings))
