"""When a schedule's rounds fall due, and how a visit's time is judged against its window.

A recurrence rule is a small JSON object, the same on the desk and the server:

    {"every": "day",   "interval": 1, "times": ["08:00", "20:00"]}
    {"every": "week",  "interval": 1, "weekdays": [1, 3, 5], "times": ["09:00"]}   1 = Monday ... 7 = Sunday
    {"every": "month", "interval": 6, "day": 15, "times": ["09:00"]}                day -1 = the month's last

`times` are the starts of each round's window, in the schedule's time zone;
`interval` counts from the schedule's first date (every 2 weeks: the weeks
0, 2, 4 ... after the week of `starts_on`). A monthly day past a short
month's end falls on its last day. Pure Python, no database.
"""

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EVERY = ("day", "week", "month")
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
RULE_PROBLEM = (
    "A rule is {every: day|week|month, interval: 1-120, times: [HH:MM, ...]}, with weekdays [1-7] for a week and day (1-31 or -1) for a month."
)
KEYS = {"day": {"every", "interval", "times"}, "week": {"every", "interval", "times", "weekdays"}, "month": {"every", "interval", "times", "day"}}

# How a visit's time stands against its round's window (RoundFields.points[].timing).
EARLY, ON_TIME, LATE, AFTER_MISSED = "early", "on_time", "late", "after_missed"


def rule_problem(rule) -> str | None:
    """What is wrong with a recurrence rule, or None."""
    if not isinstance(rule, dict) or rule.get("every") not in EVERY:
        return RULE_PROBLEM
    if unknown := set(rule) - KEYS[rule["every"]]:
        return f"Unknown keys for every {rule['every']}: {', '.join(sorted(unknown))}."
    interval = rule.get("interval", 1)
    if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= 120:
        return "interval is a whole number from 1 to 120."
    times = rule.get("times")
    if not isinstance(times, list) or not times or len(times) > 24 or not all(isinstance(t, str) and TIME_PATTERN.match(t) for t in times):
        return "times is a list of 1 to 24 times of day, HH:MM."
    if len(set(times)) != len(times):
        return "A time is listed twice."
    if rule["every"] == "week":
        weekdays = rule.get("weekdays")
        if (
            not isinstance(weekdays, list)
            or not weekdays
            or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in weekdays)
        ):
            return "weekdays is a list of days, 1 (Monday) to 7 (Sunday)."
    if rule["every"] == "month":
        day = rule.get("day")
        if not isinstance(day, int) or isinstance(day, bool) or not (1 <= day <= 31 or day == -1):
            return "day is a day of the month, 1 to 31, or -1 for the last."
    return None


def zone_problem(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of the zone database, such as "America"
        return f"No such time zone: {name}."
    return None


def months_between(first: date, day: date) -> int:
    return (day.year - first.year) * 12 + day.month - first.month


def falls_on(rule: dict, starts_on: date, day: date) -> bool:
    """Whether a round of this rule falls on this local date."""
    interval = rule.get("interval", 1)
    if rule["every"] == "day":
        return (day - starts_on).days % interval == 0
    if rule["every"] == "week":
        first_monday = starts_on - timedelta(days=starts_on.weekday())
        weeks = (day - first_monday).days // 7
        return weeks % interval == 0 and day.isoweekday() in rule["weekdays"]
    months = months_between(starts_on, day)
    return months % interval == 0 and day.day == month_day(rule["day"], day.year, day.month)


def month_day(day: int, year: int, month: int) -> int:
    last = calendar.monthrange(year, month)[1]
    return last if day == -1 else min(day, last)


def local_slots(rule: dict, starts_on: date, ends_on: date | None, first: date, last: date) -> Iterator[tuple[date, str]]:
    """Every (local date, HH:MM) a round starts on, from `first` to `last` inclusive, within the schedule's dates."""
    day = max(first, starts_on)
    end = min(last, ends_on) if ends_on else last
    times = sorted(rule["times"])
    while day <= end:
        if falls_on(rule, starts_on, day):
            for at in times:
                yield day, at
        day += timedelta(days=1)


def slot_start(day: date, at: str, zone: ZoneInfo) -> datetime:
    """A local date and time of day as a UTC moment (a time skipped by a clock change moves forward, as zoneinfo does)."""
    hour, minute = map(int, at.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def slot_name(day: date, at: str) -> str:
    return f"{day.isoformat()}T{at}"


def next_after(rule: dict, done_on: date) -> date:
    """After-completion mode: the date the next round falls due, counted from the local date the last one was done."""
    interval = rule.get("interval", 1)
    if rule["every"] == "day":
        return done_on + timedelta(days=interval)
    if rule["every"] == "week":
        return done_on + timedelta(weeks=interval)
    month_index = done_on.month - 1 + interval
    year, month = done_on.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(done_on.day, calendar.monthrange(year, month)[1]))


def timing(at: datetime, window_start: datetime, window_end: datetime, grace_until: datetime) -> str:
    """How a visit at `at` stands against its window: early, on time, late (within the grace) or after the round was missed."""
    if at < window_start:
        return EARLY
    if at <= window_end:
        return ON_TIME
    if at <= grace_until:
        return LATE
    return AFTER_MISSED
