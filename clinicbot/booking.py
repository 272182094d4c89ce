"""Reading booking answers: phone numbers (phonenumbers), places, and day and time (dateparser).

Plain Python; the clinic's regions, places and hours come from data/clinic.yml.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import List, Optional
from zoneinfo import ZoneInfo

from clinicbot.content import Clinic, clinic

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_TIME = re.compile(
    r"\b(?:at\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)|\bat\s+(\d{1,2})(?:[:.](\d{2}))?\b|\b(\d{1,2})[:.](\d{2})\b",
    re.I,
)
# The words of a day that dateparser reads: numbers, weekdays, months (not "may", a verb too),
# relative days (Hinglish and Hindi days are said in English before this, clinic.yml shorthand_hi).
_DATE_WORD = re.compile(
    r"\d{1,2}(?:st|nd|rd|th)?|(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|satur|sun)(?:day)?|sat|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?|today|tomorrow|yesterday|tonight|weekend|fortnight|in|days?|weeks?|months?"
)
# Word edges that hold for Devanagari too (its vowel signs are not word characters to `\b`).
_START, _END = r"(?<![\w\u0900-\u097f])", r"(?![\w\u0900-\u097f])"
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_APOSTROPHE = "['\u2019\u2018`]?"


def parse_phone(text: str, settings: Optional[Clinic] = None) -> Optional[str]:
    """The first valid phone number in ``text`` as E.164 (India by default), else None."""
    import phonenumbers

    region = (settings or clinic()).booking.phone_region
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        if phonenumbers.is_valid_number(match.number):
            return str(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return None


def show_phone(e164: str, settings: Optional[Clinic] = None) -> str:
    """A stored number as people read it: "+91 98110 23456" (international format); unreadable ones as given."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, (settings or clinic()).booking.phone_region)
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def _phrase(words: str) -> str:
    """A phrase of the clinic's data as a pattern: spaces are any spaces, apostrophes optional."""
    return r"\s+".join(_APOSTROPHE.join(re.escape(ch) for ch in w) for w in words.split())


def _alternatives(phrases: List[str]) -> str:
    return "|".join(_phrase(p) for p in sorted(phrases, key=len, reverse=True))


def parse_name(text: str, settings: Optional[Clinic] = None, asked: bool = True) -> Optional[str]:
    """A person's name from an answer such as "Ravi Kumar" or "my name is Ravi", else None.

    Not ``asked`` (the visitor says it elsewhere in the form), only a name said as one counts: "my name
    is Rahul", "mera naam Sunita hai".
    """
    c = settings or clinic()
    b = c.booking
    said = " ".join((text or "").split())
    leads = b.name_leads + (b.self_leads if asked else [])
    greeting = _alternatives(b.not_names)
    lead = re.match(
        rf"^(?:(?:{greeting})[\s,.!]+)*(?:{_alternatives(leads)})(?:\s*[:,-]\s*|\s+)(?P<name>.+)$", said, re.I
    ) if leads else None
    if lead is None and not asked:
        return None
    name = lead.group("name") if lead else said
    if b.name_tails:
        name = re.sub(rf"(?:\s+|^)(?:{_alternatives(b.name_tails)})\s*[.!]*\s*$", "", name, flags=re.I)
    name = name.strip(" .,!")
    if " ".join(name.lower().split()) in b.not_names or set(name.lower().split()) & set(b.not_name_words):
        return None
    if not (2 <= len(name) <= 80) or any(ch.isdigit() or ch in "<>@/\\{}[]?" for ch in name):
        return None
    if not any(ch.isalpha() for ch in name) or len(name.split()) > 6:
        return None
    return " ".join(part[:1].upper() + part[1:] for part in name.split())


def match_location(text: str, settings: Optional[Clinic] = None) -> Optional[str]:
    """The clinic location a visitor means ("Noida", "sector 47", "KDSG", typos), else None."""
    c = settings or clinic()
    low = re.sub(r"[^a-z0-9\u0900-\u097f ]", " ", (text or "").translate(_DEVANAGARI_DIGITS).lower())
    low = " ".join(low.split())
    aliases = {a: loc.id for loc in c.locations for a in [loc.id.replace("_", " "), *loc.aliases]}
    words = low.split()
    grams = words + [" ".join(words[i : i + n]) for n in (2, 3) for i in range(len(words) - n + 1)]
    best: Optional[tuple] = None
    for gram in grams:
        for alias in aliases:
            ratio = difflib.SequenceMatcher(None, gram, alias).ratio()
            # The longest alias that fits wins, so "greater noida" (or "greter noida") is not "noida".
            if ratio >= 0.8 and (best is None or (len(alias), ratio) > best[:2]):
                best = (len(alias), ratio, alias)
    return aliases[best[2]] if best else None


def without_places(text: str, settings: Optional[Clinic] = None) -> str:
    """``text`` without the clinic's place names ("sector 47" is no day and time)."""
    c = settings or clinic()
    aliases = [a for loc in c.locations for a in [loc.id.replace("_", " "), *loc.aliases]]
    pattern = rf"{_START}(?:{_alternatives(aliases)}){_END}"
    return re.sub(pattern, " ", (text or "").translate(_DEVANAGARI_DIGITS), flags=re.I)


@dataclass(frozen=True)
class TimeAnswer:
    """A parsed preferred time, or why it cannot be used."""

    when: Optional[dt.datetime]
    problem: Optional[str] = None  # "unparsed", "past", "closed_day", "closed_hour"


def _hhmm(value: str) -> dt.time:
    h, m = value.split(":")
    return dt.time(int(h), int(m))


def parse_time(
    text: str, now: Optional[dt.datetime] = None, settings: Optional[Clinic] = None, keep: Optional[dt.datetime] = None
) -> TimeAnswer:
    """A preferred appointment time from natural language, checked against the clinic's hours.

    ``keep`` is a time being changed: an hour alone keeps its day, a day alone keeps its hour.
    """
    import dateparser

    c = settings or clinic()
    tz = ZoneInfo(c.hours.timezone)
    now = (now or dt.datetime.now(tz)).astimezone(tz)
    low = " " + (text or "").translate(_DEVANAGARI_DIGITS).lower().strip() + " "
    for short, full in sorted(c.booking.shorthand.items(), key=lambda x: -len(x[0])):
        low = re.sub(rf"\b{re.escape(short)}\b", full, low)
    for short, full in sorted(c.booking.shorthand_hi.items(), key=lambda x: -len(x[0])):
        low = re.sub(rf"{_START}{re.escape(short)}{_END}", f" {full} ", low)
    if c.booking.clock_words:
        clock_words = "|".join(re.escape(w) for w in c.booking.clock_words)
        low = re.sub(rf"(\d{{1,2}})(?:[:.](\d{{2}}))?\s*(?:{clock_words}){_END}", lambda m: f" at {m.group(1)}:{m.group(2) or '00'} ", low)
    low = _after_is_at(low, c)
    part = next((at for p, at in c.booking.parts_of_day.items() if re.search(rf"\b{p}\b", low)), None)
    clock: Optional[dt.time] = None
    m = _TIME.search(low)
    if m:
        hour = int(m.group(1) or m.group(4) or m.group(6))
        minute = int(m.group(2) or m.group(5) or m.group(7) or 0)
        ampm = (m.group(3) or "").replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        elif not ampm and 1 <= hour < 12 and minute <= 59:
            hour = _in_hours(hour, minute, part, c)
        if hour > 23 or minute > 59:
            return TimeAnswer(None, "unparsed")
        clock = dt.time(hour, minute)
        low = low[: m.start()] + " " + low[m.end() :]
    for name, at in c.booking.parts_of_day.items():
        if re.search(rf"\b{name}\b", low):
            clock = clock or _hhmm(at)
            low = re.sub(rf"\b(?:in the\s+)?{name}\b", " ", low)
    low = re.sub(r"\b(?:next|this|coming|on|please|pls|the|around|about)\b", " ", low)
    low = " ".join(low.split())
    day: Optional[dt.date] = None
    if low:
        base = now.replace(tzinfo=None)
        settings_ = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base, "DATE_ORDER": "DMY"}
        # Only words of a day are read as one (dateparser takes "no" for November); other words around
        # them ("actually make it thursday") are left out when the whole cannot be read.
        dated = " ".join(w for w in low.split() if _DATE_WORD.fullmatch(w))
        parsed = dateparser.parse(low, settings=settings_) if dated else None
        if parsed is None and dated:
            parsed = dateparser.parse(dated, settings=settings_)
        if parsed is None and (dated or clock is None):
            return TimeAnswer(None, "unparsed")
        if parsed is not None:
            day = parsed.date()
            # dateparser fills a missing time with the current one; only an explicit time counts.
            # A bare day ("monday") comes back at midnight: that is no time either.
            explicit = parsed.time().replace(microsecond=0) not in (base.time().replace(microsecond=0), dt.time(0, 0))
            if clock is None and explicit:
                clock = parsed.time().replace(second=0, microsecond=0)
    if clock is None and day is None:
        return TimeAnswer(None, "unparsed")
    if keep is not None:
        kept = keep.astimezone(tz)
        day = day or kept.date()
        clock = clock or kept.time().replace(second=0, microsecond=0, tzinfo=None)
    if day is None:
        day = (
            now.date()
            if clock and dt.datetime.combine(now.date(), clock, tz) > now
            else now.date() + dt.timedelta(days=1)
        )
    if clock is None and day == now.date():
        return TimeAnswer(earliest_slot(now, c))  # "today": the first free slot
    when = dt.datetime.combine(day, clock or _hhmm(c.hours.open), tz)
    if when <= now:
        return TimeAnswer(when, "past")
    if WEEKDAYS[when.weekday()] not in c.hours.days:
        return TimeAnswer(when, "closed_day")
    if not (_hhmm(c.hours.open) <= when.time() < _hhmm(c.hours.close)):
        return TimeAnswer(when, "closed_hour")
    return TimeAnswer(when)


_DAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DAY_SHORT = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}


def weekday_said(text: str, now: Optional[dt.datetime] = None, settings: Optional[Clinic] = None) -> Optional[int]:
    """The day of the week a message names ("sunday", "ravivaar", "रविवार", "tomorrow"; 0 is Monday), else None."""
    c = settings or clinic()
    low = " " + " ".join((text or "").lower().split()) + " "
    for short, full in sorted({**c.booking.shorthand, **c.booking.shorthand_hi}.items(), key=lambda x: -len(x[0])):
        low = re.sub(rf"{_START}{re.escape(short)}{_END}", f" {full} ", low)
    names = {**{n: i for i, n in enumerate(_DAY_NAMES)}, **{n: i for i, n in enumerate(WEEKDAYS)}, **_DAY_SHORT}
    for word in re.findall(r"[a-z]+", low):
        day = names.get(word[:-1] if word.endswith("days") else word)
        if day is not None:
            return day
    today = (now or dt.datetime.now(ZoneInfo(c.hours.timezone))).astimezone(ZoneInfo(c.hours.timezone))
    if re.search(r"\btoday\b", low):
        return today.weekday()
    if re.search(r"\btomorrow\b", low):
        return (today + dt.timedelta(days=1)).weekday()
    return None


def _after_is_at(low: str, c: Clinic) -> str:
    """ "after 5", "5 baje ke baad", "5 बजे के बाद": that hour, said as "at 5"."""
    if c.booking.after_words:
        before = "|".join(re.escape(w) for w in sorted(c.booking.after_words, key=len, reverse=True))
        low = re.sub(rf"\b(?:{before})\s+(?:at\s+)?(\d{{1,2}}(?:[:.]\d{{2}})?)", r" at \1", low)
    if c.booking.after_words_hi:
        after = "|".join(re.escape(w) for w in sorted(c.booking.after_words_hi, key=len, reverse=True))
        low = re.sub(rf"(?:\bat\s+)?(\d{{1,2}}(?:[:.]\d{{2}})?)\s*(?:{after}){_END}", r" at \1 ", low)
    return low


def _in_hours(hour: int, minute: int, part: Optional[str], c: Clinic) -> int:
    """A bare hour (1-11): the afternoon when said so, or when only the afternoon's is in opening hours."""
    if part is not None:
        return hour + 12 if _hhmm(part).hour >= 12 else hour  # "shaam 5 baje" / "subah 10 baje"
    open_t, close_t = _hhmm(c.hours.open), _hhmm(c.hours.close)
    if not open_t <= dt.time(hour, minute) < close_t and open_t <= dt.time(hour + 12, minute) < close_t:
        return hour + 12  # "at 4", "after 5" during clinic hours mean the afternoon
    return hour


def earliest_slot(now: Optional[dt.datetime] = None, settings: Optional[Clinic] = None) -> dt.datetime:
    """The first opening slot at least one slot length from now."""
    c = settings or clinic()
    tz = ZoneInfo(c.hours.timezone)
    step = dt.timedelta(minutes=c.hours.slot_minutes)
    t = (now or dt.datetime.now(tz)).astimezone(tz) + step
    t = t.replace(minute=(t.minute // c.hours.slot_minutes) * c.hours.slot_minutes, second=0, microsecond=0) + step
    open_t, close_t = _hhmm(c.hours.open), _hhmm(c.hours.close)
    for _ in range(14 * 24 * 60 // c.hours.slot_minutes):
        if WEEKDAYS[t.weekday()] in c.hours.days and open_t <= t.time() < close_t:
            return t
        t += step
    raise ValueError("no opening hours configured")


def say_time(when: dt.datetime) -> str:
    """A time read back to the visitor, e.g. "Tuesday 2 December at 11:00"."""
    return when.strftime("%A %-d %B at %H:%M")


def dial_phone(e164: str, settings: Optional[Clinic] = None) -> str:
    """A stored number as dialled from the clinic: "098765 43210", "00 44 20 7946 0958".

    It never starts with "+", so a CSV cell needs no quote before it; unreadable ones as given."""
    import phonenumbers

    region = (settings or clinic()).booking.phone_region
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_out_of_country_calling_number(number, region))
