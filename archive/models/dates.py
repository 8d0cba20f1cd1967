"""Historical dates with their precision: "März 1943", "um 1942", "1940er Jahre"."""

import datetime

from django.db import models
from django.utils import formats, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    CIRCA = "circa", _("Circa (year)")
    DECADE = "decade", _("Decade")


def normalise_date(value: datetime.date, precision: str) -> datetime.date:
    """The canonical stored date for a precision: the first day of its span."""
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision in (DatePrecision.YEAR, DatePrecision.CIRCA):
        return value.replace(month=1, day=1)
    if precision == DatePrecision.DECADE:
        return datetime.date(value.year - value.year % 10, 1, 1)
    return value


def parse_iso_prefix(text: str, precision: str) -> datetime.date:
    """Parse "1943-03-12", "1943-03", "1943" (or "1940" for a decade) for a precision.

    Raises ValueError with a message a person can act on.
    """
    expected = {
        DatePrecision.DAY: ("%Y-%m-%d", "YYYY-MM-DD"),
        DatePrecision.MONTH: ("%Y-%m", "YYYY-MM"),
        DatePrecision.YEAR: ("%Y", "YYYY"),
        DatePrecision.CIRCA: ("%Y", "YYYY"),
        DatePrecision.DECADE: ("%Y", "YYYY"),
    }
    if precision not in expected:
        raise ValueError(f"unknown precision {precision!r}")
    pattern, shape = expected[precision]
    try:
        value = datetime.datetime.strptime(text, pattern).date()
    except ValueError:
        raise ValueError(f"{text!r} is not a {precision} date of the form {shape}") from None
    if precision == DatePrecision.DECADE and value.year % 10:
        raise ValueError(f"{text!r} is not the first year of a decade")
    return value


def iso_prefix(value: datetime.date, precision: str) -> str:
    """The inverse of parse_iso_prefix."""
    if precision == DatePrecision.DAY:
        return value.isoformat()
    if precision == DatePrecision.MONTH:
        return value.strftime("%Y-%m")
    return str(value.year)


def format_historical_date(value: datetime.date | None, precision: str, language: str | None = None) -> str:
    """The date as a reader of `language` (default: the active one) expects to see it."""
    if value is None:
        return ""
    with translation.override(language or translation.get_language()):
        year = value.year
        if precision == DatePrecision.DAY:
            return formats.date_format(value, "DATE_FORMAT")
        if precision == DatePrecision.MONTH:
            return formats.date_format(value, "YEAR_MONTH_FORMAT")
        if precision == DatePrecision.YEAR:
            # Translators: a year on its own, e.g. "1943" / "1943 г."
            return gettext("%(year)s") % {"year": year}
        if precision == DatePrecision.CIRCA:
            # Translators: an approximate year, e.g. "um 1942" / "около 1942 г."
            return gettext("circa %(year)s") % {"year": year}
        if precision == DatePrecision.DECADE:
            # Translators: a decade, e.g. "1940er Jahre" / "1940-е годы"
            return gettext("the %(decade)ss") % {"decade": year - year % 10}
        return formats.date_format(value, "DATE_FORMAT")
