"""Reads of the surveys app: a column's activities grouped by state, the tracking of the rule "feedback
within one month after closing", the yearly count of activities per site against its target (6 for county
and function-area portals, 3 for other sites), what a staff member manages and what an account took part in.

Everything that depends on the clock takes `now`, and reads the group as it stood then: an activity counts
once it had closed by `now`, a 结果反馈 once it had been published by `now`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from wagtail.models import Page, Site

from .enums import FeedbackStatus, SurveyState
from .models import Comment, Response, SurveyPage
from .questions import questions_of, visible
from .rules import rules


def months_after(moment: datetime, months: int) -> datetime:
    """The same wall-clock moment `months` calendar months later (the day clamped to the month's end)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


# --- a column's list -------------------------------------------------------------------------------------


def column_surveys(column: Page) -> QuerySet[SurveyPage]:
    return (
        SurveyPage.objects.child_of(column)
        .live()
        .public()
        .select_related("unit", "feedback")
        .order_by("-closes_at", "-pk")
    )


def grouped(column: Page, now: datetime) -> dict:
    """The activities of a 征集调查 column at `now`: open ones (closing soonest first), upcoming ones (opening
    soonest first) and ended ones (latest closed first, each with its feedback state)."""
    surveys = list(column_surveys(column))
    open_now = sorted(
        (s for s in surveys if s.state(now) == SurveyState.OPEN), key=lambda s: (s.closes_at, s.pk)
    )
    upcoming = sorted(
        (s for s in surveys if s.state(now) == SurveyState.UPCOMING), key=lambda s: (s.opens_at, s.pk)
    )
    ended = [s for s in surveys if s.state(now) in (SurveyState.CLOSED, SurveyState.ANSWERED)]
    return {"open_surveys": open_now, "upcoming_surveys": upcoming, "ended_surveys": ended}


# --- the one-month rule ----------------------------------------------------------------------------------


def feedback_due(survey: SurveyPage) -> datetime:
    """The end of the month after closing within which the 结果反馈 must be published."""
    return months_after(survey.closes_at, rules().feedback_months)


@dataclass
class Tracking:
    survey: SurveyPage
    due: datetime
    status: FeedbackStatus
    published_at: datetime | None = None

    @property
    def missed(self) -> bool:
        return self.status in (FeedbackStatus.OVERDUE, FeedbackStatus.LATE)

    def days_left(self, now: datetime) -> int:
        """Whole days until the due date (negative: days past it)."""
        seconds = (self.due - now).total_seconds()
        return int(seconds // 86400) if seconds >= 0 else -int(-seconds // 86400)


def tracking(survey: SurveyPage, now: datetime) -> Tracking:
    """Where the activity stands against the rule at `now`."""
    due = feedback_due(survey)
    if now < survey.closes_at:
        return Tracking(survey, due, FeedbackStatus.NOT_ENDED)
    feedback = survey.published_feedback(now)
    if feedback is not None:
        status = FeedbackStatus.ON_TIME if feedback.published_at <= due else FeedbackStatus.LATE
        return Tracking(survey, due, status, feedback.published_at)
    return Tracking(survey, due, FeedbackStatus.AWAITING if now < due else FeedbackStatus.OVERDUE)


# --- sites and the yearly count --------------------------------------------------------------------------


def site_surveys(site: Site) -> QuerySet[SurveyPage]:
    """The activities published on a site (anywhere below its home page)."""
    root = site.root_page
    return SurveyPage.objects.filter(path__startswith=root.path, depth__gt=root.depth).live()


def year_start(now: datetime) -> datetime:
    """The start of "the year before `now`" (监测时间点前1年)."""
    return months_after(now, -12)


def site_unit_kind(site: Site) -> str | None:
    from huimin.sites.models import SiteIdentity

    identity = SiteIdentity.objects.filter(site=site).select_related("org_unit").first()
    return identity.org_unit.kind if identity and identity.org_unit_id else None


def yearly_target(site: Site) -> int:
    return rules().target_for(site_unit_kind(site))


@dataclass
class YearCount:
    site: Site
    name: str
    target: int
    since: datetime
    surveys: list[SurveyPage] = field(default_factory=list)
    tracked: list[Tracking] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.surveys)

    @property
    def met(self) -> bool:
        return self.count >= self.target

    @property
    def shortfall(self) -> int:
        return max(self.target - self.count, 0)

    @property
    def missed(self) -> list[Tracking]:
        return [row for row in self.tracked if row.missed]


def year_counts(sites: list[Site], now: datetime) -> list[YearCount]:
    """`year_count` for several sites with a few queries in all (the 工作台 of a platform administrator
    follows every site of the group)."""
    from huimin.sites.models import SiteIdentity

    sites = list(sites)
    identities = {
        identity.site_id: identity
        for identity in SiteIdentity.objects.filter(site__in=sites).select_related("org_unit")
    }
    roots = dict(Page.objects.filter(pk__in=[site.root_page_id for site in sites]).values_list("pk", "path"))
    since = year_start(now)
    closed = list(
        SurveyPage.objects.live()
        .filter(closes_at__gt=since, closes_at__lte=now, first_published_at__lte=now)
        .select_related("unit", "feedback")
        .order_by("closes_at", "pk")
    )
    found = []
    for site in sites:
        identity, root = identities.get(site.pk), roots.get(site.root_page_id, "")
        unit_kind = identity.org_unit.kind if identity and identity.org_unit_id else None
        surveys = [s for s in closed if root and s.path.startswith(root) and len(s.path) > len(root)]
        found.append(
            YearCount(
                site=site,
                name=identity.site_name if identity else site.site_name or site.hostname,
                target=rules().target_for(unit_kind),
                since=since,
                surveys=surveys,
                tracked=[tracking(survey, now) for survey in surveys],
            )
        )
    return found


def year_count(site: Site, now: datetime) -> YearCount:
    """The activities a site held in the year before `now`, against its target, each with its tracking."""
    return year_counts([site], now)[0]


def survey_column(site: Site, now: datetime | None = None) -> Page | None:
    """The site's 征集调查 column (ColumnType 征集调查), live and public, or None."""
    from huimin.sites.models import ColumnPage

    columns = ColumnPage.objects.descendant_of(site.root_page).live().public()
    columns = columns.filter(column_type__name="征集调查").order_by("depth", "path")
    if now is not None:
        columns = columns.filter(first_published_at__lte=now)
    return columns.first()


# --- staff -----------------------------------------------------------------------------------------------


def managed_surveys(user) -> QuerySet[SurveyPage]:
    """The activities `user` manages (see `services.can_manage`), any state."""
    from huimin.sites.models import Membership

    surveys = SurveyPage.objects.select_related("unit", "feedback").order_by("-closes_at", "-pk")
    if not user.is_authenticated or not user.is_active:
        return surveys.none()
    if user.is_superuser:
        return surveys
    units = Membership.objects.filter(user=user).values("org_unit_id")
    return surveys.filter(unit_id__in=units)


def staff_sites(user) -> list[Site]:
    """The sites whose yearly count a staff member follows: every site for a platform administrator, else the
    sites of their roles and the sites of their units."""
    from huimin.sites.models import Membership, SiteIdentity

    sites = Site.objects.order_by("pk")
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return list(sites)
    memberships = Membership.objects.filter(user=user)
    by_role = memberships.filter(site__isnull=False).values("site_id")
    by_unit = SiteIdentity.objects.filter(org_unit_id__in=memberships.values("org_unit_id")).values("site_id")
    return list(sites.filter(Q(pk__in=by_role) | Q(pk__in=by_unit)))


def counts(survey: SurveyPage) -> dict:
    return {"responses": survey.responses.count(), "comments": survey.comments.count()}


def with_counts(surveys: QuerySet[SurveyPage]) -> QuerySet[SurveyPage]:
    return surveys.annotate(
        response_count=Count("responses", distinct=True), comment_count=Count("comments", distinct=True)
    )


# --- what an account took part in (我的调查) ----------------------------------------------------------


@dataclass
class AnsweredQuestion:
    number: int
    text: str
    answer: str


def readable_answers(survey: SurveyPage, answers: dict) -> list[AnsweredQuestion]:
    """The questions the answers show, with each answer in words ("未作答" for an optional one left empty)."""
    questions = questions_of(survey)
    shown = visible(questions, answers or {})
    return [
        AnsweredQuestion(q.number, q.text, q.display((answers or {}).get(q.key)) or "未作答")
        for q in questions
        if q.key in shown
    ]


def account_responses(account) -> QuerySet[Response]:
    return Response.objects.filter(account=account).select_related("survey").order_by("-submitted_at", "-pk")


def account_comments(account) -> QuerySet[Comment]:
    return Comment.objects.filter(account=account).select_related("survey").order_by("-submitted_at", "-pk")


def account_data(account) -> dict:
    """What the surveys app holds about an account, for 我的数据's JSON export."""

    def moment(value):
        return value.isoformat() if value else None

    return {
        "answers": [
            {
                "survey": response.survey.title,
                "url": response.survey.full_url,
                "submitted_at": moment(response.submitted_at),
                "answers": [
                    {"question": f"{item.number}. {item.text}", "answer": item.answer}
                    for item in readable_answers(response.survey, response.answers)
                ],
            }
            for response in account_responses(account)
        ],
        "comments": [
            {
                "survey": comment.survey.title,
                "url": comment.survey.full_url,
                "submitted_at": moment(comment.submitted_at),
                "name": comment.name,
                "contact": comment.contact,
                "text": comment.text,
                "decision": comment.get_decision_display(),
                "reason": comment.reason,
            }
            for comment in account_comments(account)
        ],
    }
