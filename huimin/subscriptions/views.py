"""Public views of subscriptions: 我的订阅 (list, new, change, delete), 消息 (the inbox), the short link of a
message, and one-click unsubscribe by a message's token.

The personal views are behind `citizen_required`; an account only ever reads its own rows (anything else
is 404, whether it exists or not). Nothing personal is cached by a shared cache (never_cache).
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Site

from huimin.accounts.access import citizen_required, current_account
from huimin.accounts.models import AccountTag
from huimin.sites import queries as site_queries

from . import criteria, queries, services
from .enums import Channel, SubscriptionKind
from .forms import DeliveryForm, SearchForm, TagsForm, UnitForm
from .models import Delivery, Subscription, delivery_id_for_code
from .rules import rules
from .services.subscriptions import subscriptions_of_token, verified_channels

MINE = ("我的", "/accounts/")
LIST_LABEL = "我的订阅"
# Where a subscription may come from: kind -> (form, builder of its criteria from the form's data).
FORM_KINDS = (SubscriptionKind.TAGS, SubscriptionKind.UNIT, SubscriptionKind.SEARCH)
PAGE_KINDS = (SubscriptionKind.COLUMN, SubscriptionKind.LIBRARY, SubscriptionKind.TOPIC)


def _chrome(request, *trail) -> dict:
    return {**site_queries.site_chrome(request), "breadcrumbs": [MINE, *trail]}


def _list_trail():
    return (LIST_LABEL, reverse("subscriptions:list"))


# ---- 我的订阅 ----


@never_cache
@citizen_required
@require_GET
def subscription_list(request):
    account = request.user.citizen
    context = _chrome(request, (LIST_LABEL, None))
    context.update(
        {
            "subscriptions": queries.subscriptions_of(account),
            "limit": rules().max_subscriptions_per_account,
            "unread": queries.unread_count(account),
            "reachable": verified_channels(account),
        }
    )
    return TemplateResponse(request, "subscriptions/list.html", context)


def _page_spec(kind: str, data):
    if kind == SubscriptionKind.COLUMN:
        return criteria.from_column(data.get("page"))
    if kind == SubscriptionKind.TOPIC:
        return criteria.from_topic(data.get("page"))
    return criteria.from_library(data.get("page"), data)


def _form_for(kind: str, data, account, reachable, given=None):
    form_class = {
        SubscriptionKind.TAGS: TagsForm,
        SubscriptionKind.UNIT: UnitForm,
        SubscriptionKind.SEARCH: SearchForm,
    }.get(kind, DeliveryForm)
    if data is not None:
        return form_class(data, reachable=reachable)
    initial = {}
    given = given or {}
    if kind == SubscriptionKind.SEARCH and given.get("q"):
        initial["q"] = str(given.get("q"))[: criteria.MAX_QUERY_CHARS]
    if kind == SubscriptionKind.UNIT and str(given.get("unit", "")).isdigit():
        initial["unit"] = str(given.get("unit"))[:12]
    if kind == SubscriptionKind.TAGS:
        for key, value in AccountTag.objects.filter(account=account).values_list("key", "value"):
            initial.setdefault(key, []).append(value)
    return form_class(initial=initial or None, reachable=reachable)


def _form_spec(kind: str, form):
    if kind == SubscriptionKind.TAGS:
        return criteria.from_tags(form.chosen(), form.cleaned_data.get("kinds") or [])
    if kind == SubscriptionKind.UNIT:
        return criteria.from_unit(form.cleaned_data["unit"])
    return criteria.from_search(form.cleaned_data["q"])


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def new(request):
    """A new subscription. Without `kind`, the ways to subscribe; with kind column, library or topic, what the
    "订阅" link of that page carries (confirmed with a button); with tags, unit or search, a form."""
    account = request.user.citizen
    data = request.POST if request.method == "POST" else request.GET
    kind = str(data.get("kind", "") or "")
    context = _chrome(request, _list_trail(), ("新建订阅", None))
    reachable = verified_channels(account)
    if kind not in SubscriptionKind.values:
        return TemplateResponse(request, "subscriptions/new_choose.html", context)
    spec, problem = None, ""
    if kind in PAGE_KINDS:
        try:
            spec = _page_spec(kind, data)
        except ValidationError as error:
            problem = " ".join(error.messages)
    posted = request.method == "POST"
    form = _form_for(kind, request.POST if posted else None, account, reachable, given=data)
    if posted and not problem and form.is_valid():
        try:
            if spec is None:
                spec = _form_spec(kind, form)
            subscription = services.subscribe(
                account,
                spec,
                frequency=form.cleaned_data["frequency"],
                channels=form.cleaned_data["channels"],
                now=timezone.now(),
                site=Site.find_for_request(request),
            )
        except (ValidationError, PermissionDenied) as error:
            form.apply_error(error)
        else:
            flash.success(request, f"已订阅：{subscription.title}")
            return redirect("subscriptions:list")
    context.update(
        {
            "kind": kind,
            "kind_label": SubscriptionKind(kind).label,
            "spec": spec,
            "problem": problem,
            "form": form,
            "carried": _carried(kind, data),
            "reachable": reachable,
        }
    )
    status = 404 if problem else 200
    return TemplateResponse(request, "subscriptions/new.html", context, status=status)


def _carried(kind: str, data) -> list[tuple[str, str]]:
    """The parameters a page's "订阅" link brought, carried as hidden fields to the POST."""
    if kind not in PAGE_KINDS:
        return []
    names = ["page", *(criteria.LIBRARY_FILTERS if kind == SubscriptionKind.LIBRARY else ())]
    return [(name, str(data.get(name))[:20]) for name in names if data.get(name)]


def _own_subscription(request, pk: int) -> Subscription:
    return get_object_or_404(Subscription, pk=pk, account=request.user.citizen)


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    account = request.user.citizen
    subscription = _own_subscription(request, pk)
    reachable = verified_channels(account)
    if request.method == "POST":
        form = DeliveryForm(request.POST, reachable=reachable)
        if form.is_valid():
            try:
                services.update_subscription(
                    account,
                    subscription,
                    frequency=form.cleaned_data["frequency"],
                    channels=form.cleaned_data["channels"],
                    now=timezone.now(),
                )
            except (ValidationError, PermissionDenied) as error:
                form.apply_error(error)
            else:
                flash.success(request, f"已修改：{subscription.title}")
                return redirect("subscriptions:list")
    else:
        form = DeliveryForm(
            initial={"frequency": subscription.frequency, "channels": subscription.channels()},
            reachable=reachable,
        )
    context = _chrome(request, _list_trail(), ("修改订阅", None))
    context.update({"subscription": subscription, "form": form})
    return TemplateResponse(request, "subscriptions/edit.html", context)


@never_cache
@citizen_required
@require_POST
def delete(request, pk: int):
    subscription = _own_subscription(request, pk)
    title = services.delete_subscription(request.user.citizen, subscription)
    flash.success(request, f"已删除订阅：{title}")
    return redirect("subscriptions:list")


# ---- 消息 ----


@never_cache
@citizen_required
@require_GET
def inbox(request):
    account = request.user.citizen
    page = Paginator(queries.inbox_of(account), rules().inbox_page_size).get_page(request.GET.get("page"))
    context = _chrome(request, ("消息", None))
    context.update({"messages_page": page, "unread": queries.unread_count(account)})
    return TemplateResponse(request, "subscriptions/inbox.html", context)


@never_cache
@citizen_required
@require_POST
def read(request, pk: int):
    account = request.user.citizen
    delivery = get_object_or_404(Delivery, pk=pk, account=account, channel=Channel.INBOX)
    services.mark_read(account, delivery, now=timezone.now())
    return redirect(_back_to_inbox(request))


@never_cache
@citizen_required
@require_POST
def read_all(request):
    count = services.mark_all_read(request.user.citizen, now=timezone.now())
    flash.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
    return redirect(_back_to_inbox(request))


def _back_to_inbox(request) -> str:
    page = str(request.POST.get("page", "") or "")
    return reverse("subscriptions:inbox") + (f"?page={page}" if page.isdigit() and len(page) < 6 else "")


@never_cache
@require_GET
def go(request, code: str):
    """A message's short link: to the item's page; an inbox message of the signed-in owner is read."""
    pk = delivery_id_for_code(code) if len(code) <= 24 else None
    delivery = Delivery.objects.select_related("publication").filter(pk=pk).first() if pk else None
    if delivery is None or not delivery.publication.url:
        raise Http404("链接无效。")
    account = current_account(request)
    if account is not None and delivery.account_id == account.pk and delivery.channel == Channel.INBOX:
        services.mark_read(account, delivery, now=timezone.now())
    target = delivery.publication.url
    if not target.startswith(("http://", "https://", "/")):
        raise Http404
    return redirect(target)


# ---- 退订 ----


@never_cache
@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without the site's cookies
def unsubscribe(request, token: str):
    """GET shows what the link would end and a button; POST ends it (a person's button or a mail program's
    one-click request). A link followed again says it is done; a wrong token is 404."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    dispatch, subscriptions = subscriptions_of_token(token)
    if dispatch is None:
        context = {**site_queries.site_chrome(request), "breadcrumbs": [("退订", None)]}
        return TemplateResponse(request, "subscriptions/unsubscribe_invalid.html", context, status=404)
    context = {**site_queries.site_chrome(request), "breadcrumbs": [("退订", None)], "token": token}
    if request.method == "POST":
        result = services.unsubscribe(token, now=timezone.now())
        context.update({"done": True, "titles": result.titles, "already": result.already})
    else:
        context.update(
            {"done": False, "titles": [s.title for s in subscriptions], "already": not subscriptions}
        )
    return TemplateResponse(request, "subscriptions/unsubscribe.html", context)
