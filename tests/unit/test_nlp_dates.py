"""Event dates (pipelines/nlp/dates.py): dateparser against the publication date, with tense, precision and background."""

import datetime as dt

import pytest

from pipelines.nlp import dates
from pipelines.nlp.coder import code_events
from pipelines.nlp.model import load_nlp

pytestmark = pytest.mark.spacy_model

FRIDAY = dt.date(2019, 1, 4)
PUBLISHED = "2019-01-04T09:30:00Z"  # a Friday


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def coded(nlp, text, published_at=PUBLISHED):
    return code_events(nlp(text), article_id="d", published_at=published_at)


def only(events):
    assert len(events) == 1, events
    return events[0]


@pytest.mark.parametrize(("text", "future", "expected"), [
    ("yesterday", False, ("2019-01-03", "day")),
    ("today", False, ("2019-01-04", "day")),
    ("Monday", False, ("2018-12-31", "day")),
    ("on Friday", False, ("2019-01-04", "day")),
    ("last Friday", False, ("2018-12-28", "day")),
    ("March 3", False, ("2018-03-03", "day")),
    ("January 2", False, ("2019-01-02", "day")),
    ("2 January 2020", False, ("2020-01-02", "day")),
    ("Thursday", True, ("2019-01-10", "day")),
    ("on Friday", True, ("2019-01-04", "day")),
    ("last month", False, ("2018-12-01", "month")),
    ("in May 2021", False, ("2021-05-01", "month")),
    ("2014", False, ("2014-01-01", "year")),
    ("earlier this year", False, ("2019-01-01", "year")),
    ("last week", False, ("2018-12-28", "week")),
    ("January of this year", False, ("2019-01-01", "month")),
    ("May of last year", False, ("2018-05-01", "month")),
    ("last November", False, ("2018-11-01", "month")),
    ("three years", False, None),
    ("the 58-year-old", False, None),
    ("2019-20", False, None),
])
def test_resolve(text, future, expected):
    resolved = dates.resolve(text, FRIDAY, future=future)
    assert (resolved and (resolved[0].isoformat(), resolved[1])) == expected


def test_future_weekday_goes_forward(nlp):
    event = only(coded(nlp, "German Chancellor Angela Merkel will visit Albania on Thursday."))
    assert (event["event_date"], event["event_date_precision"], event["background"]) == ("2019-01-10", "day", False)


def test_reported_weekday_goes_back(nlp):
    assert only(coded(nlp, "Russia condemned Ukraine on Thursday."))["event_date"] == "2019-01-03"


def test_last_month_has_month_precision_and_is_not_background(nlp):
    event = only(coded(nlp, "Russia condemned Ukraine last month."))
    assert (event["event_date"], event["event_date_precision"], event["background"]) == ("2018-12-01", "month", False)


def test_in_may_2021_is_background_when_published_long_after(nlp):
    event = only(coded(nlp, "Russia condemned Ukraine in May 2021.", published_at="2021-09-01T00:00:00Z"))
    assert (event["event_date"], event["event_date_precision"], event["background"]) == ("2021-05-01", "month", True)
    recent = only(coded(nlp, "Russia condemned Ukraine in May 2021.", published_at="2021-06-10T00:00:00Z"))
    assert (recent["event_date_precision"], recent["background"]) == ("month", False)


def test_without_publication_date_a_dated_sentence_still_gives_its_date(nlp):
    event = only(coded(nlp, "Russia condemned Ukraine on March 3, 2020.", published_at=None))
    assert (event["event_date"], event["event_date_precision"], event["background"]) == ("2020-03-03", "day", False)
    in_may = only(coded(nlp, "Russia condemned Ukraine in May 2021.", published_at=None))
    assert (in_may["event_date"], in_may["event_date_precision"]) == ("2021-05-01", "month")
    assert only(coded(nlp, "Russia condemned Ukraine on Thursday.", published_at=None))["event_date"] is None


@pytest.mark.parametrize("when", ["in May 2021", "in October", "last June", "in 2009"])
def test_without_publication_date_a_month_or_a_year_alone_is_background(nlp, when):
    """News gives the day of its news and dates its history by month and year."""
    assert only(coded(nlp, f"Russia condemned Ukraine {when}.", published_at=None))["background"]


def test_without_publication_date_a_day_or_weekday_is_news(nlp):
    for when in ("on Thursday", "on January 8", "today"):
        assert not only(coded(nlp, f"Russia condemned Ukraine {when}.", published_at=None))["background"], when


def test_past_perfect_is_background_but_not_in_reported_speech(nlp):
    event = only(coded(nlp, "Before the talks, Russian troops had attacked Ukrainian soldiers in Donetsk."))
    assert event["background"] is True
    reported = coded(nlp, "Officials said Russian troops had attacked Ukrainian soldiers in Donetsk.")
    assert reported and not any(event["background"] for event in reported)


def test_a_date_inside_the_event_nouns_phrase_dates_it(nlp):
    events = coded(nlp, "Swedish activists led the largest demonstration ever held in Stockholm, on September 20 of "
                        "this year.", published_at="2019-12-14T00:00:00Z")
    assert events and all(e["background"] for e in events)
