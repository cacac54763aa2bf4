"""Read-only queries of the interviews app."""

from __future__ import annotations

from .enums import InterviewState, QuestionStatus


def live_interviews(index):
    from .models import InterviewPage

    return InterviewPage.objects.child_of(index).live().select_related("host_unit").order_by("-start_at")


def grouped(index, now) -> dict:
    """The interviews below `index`, split by state at `now`: upcoming (soonest first), live, past."""
    interviews = list(live_interviews(index))
    upcoming = sorted(
        (i for i in interviews if i.state(now) == InterviewState.UPCOMING), key=lambda i: i.start_at
    )
    live = [i for i in interviews if i.state(now) == InterviewState.LIVE]
    past = [i for i in interviews if i.state(now) == InterviewState.ENDED]
    return {"upcoming": upcoming, "live_now": live, "past": past}


def public_lines(interview):
    return interview.transcript.filter(hidden=False).select_related("question").order_by("pk")


def selected_questions(interview):
    return interview.questions.filter(status=QuestionStatus.SELECTED).order_by("submitted_at", "pk")
