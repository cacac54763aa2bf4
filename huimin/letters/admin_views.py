"""The staff side in the admin: a unit's inbox, the dispatcher's board, and one letter with its actions.
Every action calls the service of the same name; nobody sees a letter they have no part in (404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core.audit import record_read
from huimin.sites.models import OrgUnit
from huimin.workdays.queries import schedule_for
from huimin.workdays.working_time import working_time_between

from . import attachments, dispatch_link, queries, routing, services
from .deadlines import level
from .enums import Level, Referral, State
from .forms import RedactForm, ReferElsewhereForm
from .models import Attachment

PAGE_SIZE = 50
# action -> (states it starts from, who: "dispatcher", "unit" or "reviewer")
ACTIONS = {
    "dispatch": ((State.SUBMITTED, State.RETURNED), "dispatcher"),
    "transfer": ((State.DISPATCHED, State.ACCEPTED), "dispatcher"),
    "accept": ((State.DISPATCHED,), "unit"),
    "return": ((State.DISPATCHED, State.ACCEPTED), "unit"),
    "request_info": ((State.ACCEPTED,), "unit"),
    "reply": ((State.ACCEPTED,), "unit"),
    "extend": ((State.ACCEPTED, State.AWAITING_INFO), "dispatcher"),
    "send_back": ((State.REPLIED,), "reviewer"),
    "approve": ((State.REPLIED,), "reviewer"),
    "invalid": ((State.SUBMITTED, State.RETURNED, State.DISPATCHED), "dispatcher"),
    "duplicate": ((State.SUBMITTED, State.RETURNED, State.DISPATCHED), "dispatcher"),
    "reopen": ((State.PUBLISHED, State.CLOSED), "dispatcher"),
    "refer": ((State.ACCEPTED,), "unit"),
    # Removing improper content: site administrators and unit leaders, the reviewers (`services.may_redact`).
    "redact": ((State.PUBLISHED,), "reviewer"),
}

# What a person reads in a letter's 办理记录 for each step the services record (LetterEvent.action stays
# the code: it is the contract of exports and the API).
ACTION_LABELS = {
    "submit": "提交留言",
    "dispatch": "分办",
    "transfer": "转办",
    "accept": "签收",
    "return": "退回",
    "request_info": "要求补充材料",
    "supplement": "补充材料",
    "extend": "批准延期",
    "reply": "提交答复",
    "send_back": "退回修改",
    "approve": "审核通过",
    "invalid": "认定无效",
    "duplicate": "认定重复",
    "rate": "评价",
    "reopen": "重新交办",
    "remind": "临期提醒",
    "refer": "告知其他渠道",
    "redact": "删除不当内容",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, "其他操作")


def _may(user, letter, who: str) -> bool:
    if who == "dispatcher":
        return services.is_dispatcher(user, letter)
    if who == "unit":
        return services.is_unit_member(user, letter)
    return services.may_review(user, letter)


def available_actions(user, letter) -> list[str]:
    return [
        name for name, (states, who) in ACTIONS.items() if letter.state in states and _may(user, letter, who)
    ]


def _run(action: str, letter, data, user):
    unit = queries.unit_from(data.get("unit"))
    reason = data.get("reason", "")
    if action in ("dispatch", "transfer") and unit is None:
        raise ValidationError("请选择承办单位。")
    calls = {
        "dispatch": lambda: services.dispatch(letter, unit, actor=user, simple=data.get("simple") == "on"),
        "transfer": lambda: services.transfer(letter, unit, reason, actor=user),
        "accept": lambda: services.accept(letter, actor=user),
        "return": lambda: services.return_letter(letter, reason, actor=user),
        "request_info": lambda: services.request_info(letter, reason, actor=user),
        "reply": lambda: services.reply(letter, data.get("text", ""), actor=user),
        "extend": lambda: services.extend(letter, _number(data.get("working_days")), reason, actor=user),
        "send_back": lambda: services.send_back(letter, reason, actor=user),
        "approve": lambda: services.approve(letter, actor=user, publish=data.get("publish") == "on"),
        "invalid": lambda: services.set_aside(letter, False, reason, actor=user),
        "duplicate": lambda: services.set_aside(letter, True, reason, actor=user),
        "reopen": lambda: services.reopen(letter, reason, actor=user),
        "refer": lambda: _refer(letter, data, user),
        "redact": lambda: _redact(letter, data, user),
    }
    return calls[action]()


def _valid(form):
    """The cleaned data of a staff form, or its errors as one ValidationError (shown at the page's top)."""
    if not form.is_valid():
        raise ValidationError([message for errors in form.errors.values() for message in errors])
    return form.cleaned_data


def _refer(letter, data, user):
    cleaned = _valid(ReferElsewhereForm(data))
    return services.refer_elsewhere(letter, cleaned["referral"], cleaned["note"], actor=user)


def _redact(letter, data, user):
    cleaned = _valid(RedactForm(data))
    return services.redact_published(
        letter, cleaned["field"], passage=cleaned["passage"], reason=cleaned["reason"], actor=user
    )


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValidationError("请填写延期的工作日数。") from None


def _messages_of(error: ValidationError) -> str:
    return "；".join(error.messages)


def _rows(letters, now):
    schedules = {}
    rows = []
    suggested = routing.suggestions(letters)
    for letter in letters:
        left = None
        if letter.due_at is not None and now < letter.due_at:
            if letter.calendar_id not in schedules:
                schedules[letter.calendar_id] = schedule_for(letter.calendar)
            schedule = schedules[letter.calendar_id]
            left = working_time_between(schedule, now, letter.due_at).total_seconds() / 3600
        rows.append(
            {
                "letter": letter,
                "level": Level(level(letter, now)),
                "hours_left": left,
                "suggestion": suggested.get(letter.pk),
            }
        )
    return rows


class _StaffView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "mail"

    def get_header_title(self):
        title, subtitle = self.get_page_title(), self.get_page_subtitle()
        return f"{title}（{subtitle}）" if subtitle else title

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class InboxView(_StaffView):
    """Board for dispatchers, inbox for units (both when a person is both)."""

    template_name = "letters/admin/list.html"
    page_title = "留言办理"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        is_dispatcher = user.is_superuser or bool(queries.dispatch_sites(user))
        view = self.request.GET.get("view") or ("board" if is_dispatcher else "inbox")
        if view == "board" and is_dispatcher:
            letters = queries.board(user, now)
        else:
            view = "inbox"
            letters = queries.inbox(user, self.request.GET.get("state", ""))
        page = Paginator(letters, PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            {
                "view": view,
                "is_dispatcher": is_dispatcher,
                "rows": _rows(page.object_list, now),
                "page": page,
                "units": OrgUnit.objects.all(),
                "states": State.choices,
                "undelivered": dispatch_link.undelivered().filter(attempts__gt=0).count()
                if user.is_superuser
                else 0,
                "show_outbox": user.is_superuser,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        """Bulk dispatch from the board: all to one chosen unit, or each to its suggested unit."""
        by_suggestion = request.POST.get("by_suggestion") == "1"
        unit = None if by_suggestion else queries.unit_from(request.POST.get("unit"))
        ids = [int(i) for i in request.POST.getlist("letters") if i.isdigit()][:PAGE_SIZE]
        if not ids or (unit is None and not by_suggestion):
            messages.error(request, "请勾选留言并选择承办单位。")
            return redirect(reverse("letters_inbox") + "?view=board")
        letters = list(queries.visible_letters(request.user).filter(pk__in=ids).select_related("chosen_unit"))
        suggested = routing.suggestions(letters) if by_suggestion else {}
        units = OrgUnit.objects.in_bulk([s.unit_id for s in suggested.values()])
        done, refused = 0, []
        for letter in letters:
            target = units.get(suggested[letter.pk].unit_id) if letter.pk in suggested else unit
            try:
                if target is None:
                    raise ValidationError("没有分办建议，请选择承办单位。")
                services.dispatch(letter, target, actor=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                refused.append(
                    f"{letter.query_code}：{error.messages[0] if hasattr(error, 'messages') else error}"
                )
        if done:
            where = "各自的建议承办单位" if by_suggestion else unit.name
            messages.success(request, f"已将 {done} 条留言分办至{where}。")
        for line in refused:
            messages.error(request, line)
        return redirect(reverse("letters_inbox") + "?view=board")


class LetterView(_StaffView):
    template_name = "letters/admin/letter.html"
    page_title = "留言详情"

    def get_page_title(self):
        letter = getattr(self, "_letter", None)
        return f"留言详情：{letter.title}" if letter is not None else self.page_title

    def get_page_subtitle(self):
        letter = getattr(self, "_letter", None)
        return f"查询码 {letter.query_code}" if letter is not None else ""

    def letter(self):
        found = queries.visible_letters(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise Http404  # not "forbidden": another unit's letter must not even be confirmed to exist
        self._letter = found
        return found

    def get(self, request, *args, **kwargs):
        letter = self.letter()
        record_read(request, letter, "留言详情")  # the citizen's name and contact details (0013)
        return self.render_to_response(self.get_context_data(letter=letter, **kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        letter = kwargs.get("letter") or self.letter()
        now = timezone.now()
        context.update(
            {
                "letter": letter,
                "row": _rows([letter], now)[0],
                "events": _labelled(letter.events.select_related("actor", "unit")),
                "actions": available_actions(self.request.user, letter),
                "units": OrgUnit.objects.all(),
                "templates": queries.templates_for(letter),
                "referrals": [
                    (value, label, services.referral_texts()["channels"][value]["text"])
                    for value, label in Referral.choices
                ],
                "redactable": services.REDACTABLE,
                "error": kwargs.get("error"),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        letter = self.letter()
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        try:
            _run(action, letter, request.POST, request.user)
        except (PermissionDenied, ValidationError) as error:
            text = _messages_of(error) if isinstance(error, ValidationError) else str(error)
            return self.render_to_response(self.get_context_data(letter=letter, error=text), status=400)
        messages.success(request, "已办理。")
        return redirect(reverse("letters_letter", args=[letter.pk]))


def _labelled(events):
    events = list(events)
    for event in events:
        event.action_label = action_label(event.action)
    return events


def attachment(request, pk: int, attachment_pk: int):
    """An attachment, for staff who may see its letter (404 for everyone else, as for the letter)."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    letter = queries.visible_letters(request.user).filter(pk=pk).first()
    found = Attachment.objects.filter(pk=attachment_pk, letter=letter).first() if letter else None
    if found is None:
        raise Http404
    record_read(request, letter, "留言附件", attachment=found.pk)
    return attachments.download(found)


class OutboxView(_StaffView):
    """推送队列: the pushes to the dispatch platform not delivered yet, with their attempts and last error;
    platform administrators retry them at once after the peer is fixed."""

    template_name = "letters/admin/outbox.html"
    page_title = "市域治理平台推送队列"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(dispatch_link.undelivered(), PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update({"page": page, "enabled": dispatch_link.enabled(), "now": timezone.now()})
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("all") == "1":
            ids = list(dispatch_link.undelivered().values_list("pk", flat=True))
        else:
            ids = [int(i) for i in request.POST.getlist("messages") if i.isdigit()]
        count = dispatch_link.retry_now(ids, actor=request.user)
        if count:
            messages.success(request, f"已安排 {count} 条推送立即重试。")
        else:
            messages.error(request, "请勾选要重试的推送。")
        return redirect(reverse("letters_outbox"))
