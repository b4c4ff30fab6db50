"""Put a device's edit times on the server's clock.

Phone clocks are often wrong. A push says when the device sent it; the gap to
when the server received it is the device's offset. Beyond a tolerance the
offset is taken as clock error and every edit of the push is shifted by it;
within it, the gap is network delay and the device's times stand. Either way
no edit can claim to be later than the moment the server received it.
"""

from datetime import datetime, timedelta

CLOCK_TOLERANCE = timedelta(minutes=2)


def clock_offset(sent_at: datetime, received_at: datetime) -> timedelta:
    """How far the device's clock is behind the server's; zero within tolerance."""
    offset = received_at - sent_at
    if abs(offset) > CLOCK_TOLERANCE:
        return offset
    return timedelta(0)


def corrected_edit_time(edited_at: datetime, offset: timedelta, received_at: datetime) -> datetime:
    """The edit's time on the server's clock, never later than its arrival."""
    return min(edited_at + offset, received_at)
