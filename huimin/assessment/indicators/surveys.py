"""调查征集 (互动交流): the surveys and consultations (`huimin.surveys`) of the unit's sites as they stood
at `now`.

The rule (附件2): a site without a 征集调查 column, or without any activity in the year before `now`, scores
0; activities held but fewer than its target (6 for county and function-area portals, 3 for other sites: the
surveys app's `data/rules.json`) score 1; the target met scores 4, and the row's points (8) when every one of
those activities had its 结果反馈 published within one month after closing. An activity counts in the year it
closed (closed after `now` − 1 year, by `now`). One that closed less than a month before `now` and has no
feedback yet is still within its month: it does not break the rule, and the evidence says so. A unit with
several sites scores what its weakest site scores. Each activity is evidence, linked to its page (its
结果反馈 page once published, the owning unit's screen when the feedback is missing).

The shares of the row's points follow the rule's 1, 4 and 8 of 8.
"""

from __future__ import annotations

from django.urls import reverse

from huimin.surveys import queries as survey_queries
from huimin.surveys.enums import FeedbackStatus

from . import Context, RowResult, calculator, points
from .content import _day, no_site

FEW_SHARE, COUNT_SHARE = 1 / 8, 4 / 8


def _activity(tracked: survey_queries.Tracking) -> tuple[str, str]:
    survey = tracked.survey
    head = f"《{survey.title}》（{survey.get_kind_display()}，{_day(survey.closes_at)} 结束）"
    results = f"{survey.full_url}results/"
    if tracked.status == FeedbackStatus.ON_TIME:
        return f"{head}：{_day(tracked.published_at)} 公开结果反馈，在结束后1个月内", results
    if tracked.status == FeedbackStatus.LATE:
        return (
            f"{head}：{_day(tracked.published_at)} 才公开结果反馈，超过 {_day(tracked.due)} 的期限",
            results,
        )
    admin = reverse("surveys_admin_detail", args=[survey.pk])
    if tracked.status == FeedbackStatus.OVERDUE:
        return f"{head}：截至监测时间点未公开结果反馈，已超过 {_day(tracked.due)} 的期限", admin
    return f"{head}：结果反馈尚在期限内（{_day(tracked.due)} 前公开）", admin


def _site(ctx: Context, site, high: float) -> RowResult:
    year = survey_queries.year_count(site, ctx.now)
    column = survey_queries.survey_column(site, ctx.now)
    where = f"{year.name}（近一年：{_day(year.since)} 至 {_day(ctx.now)}）"
    if column is None:
        result = RowResult(0.0)
        result.note(f"{where}未开设征集调查栏目，本项不得分", site.root_url + "/")
        return result
    column_url = column.full_url
    if not year.count:
        result = RowResult(0.0)
        result.note(f"{where}未开展调查征集活动，本项不得分", column_url)
        return result
    if not year.met:
        result = RowResult(high * FEW_SHARE)
        result.note(
            f"{where}开展调查征集活动 {year.count} 次，少于 {year.target} 次，得{high * FEW_SHARE:g}分",
            column_url,
        )
    elif year.missed:
        result = RowResult(high * COUNT_SHARE)
        result.note(
            f"{where}开展调查征集活动 {year.count} 次，达到 {year.target} 次；"
            f"其中 {len(year.missed)} 次未在结束后1个月内公开反馈结果，得{high * COUNT_SHARE:g}分",
            column_url,
        )
    else:
        result = RowResult(high)
        result.note(
            f"{where}开展调查征集活动 {year.count} 次，达到 {year.target} 次，均在结束后1个月内公开反馈结果"
            "（或尚在期限内）",
            column_url,
        )
    for tracked in year.tracked:
        result.note(*_activity(tracked))
    return result


@calculator("surveys")
def surveys(ctx: Context, row) -> RowResult:
    missing = no_site(ctx, row)
    if missing is not None:
        return missing
    high = points(row)
    per_site = [_site(ctx, site, high) for site in ctx.sites]
    result = RowResult(min(part.score for part in per_site))
    for part in per_site:
        result.evidence += part.evidence
    return result
