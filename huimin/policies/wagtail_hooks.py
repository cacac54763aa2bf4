from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_views import CoverageReportView
from .models import Industry, PolicyTopic, ServiceObject


class _VocabularyViewSet(ModelViewSet):
    icon = "tag"
    list_display = ["name", "sort_order"]
    form_fields = ["name", "sort_order"]
    search_fields = ["name"]


class PolicyVocabularies(ViewSetGroup):
    menu_label = "政策分类"
    menu_icon = "tag"
    menu_order = 260
    items = (
        _VocabularyViewSet("policy_topics", model=PolicyTopic, menu_label="主题分类"),
        _VocabularyViewSet("policy_industries", model=Industry, menu_label="行业"),
        _VocabularyViewSet("policy_service_objects", model=ServiceObject, menu_label="服务对象"),
    )


@hooks.register("register_admin_viewset")
def register_policy_vocabularies():
    return PolicyVocabularies()


@hooks.register("register_admin_urls")
def register_coverage_url():
    return [path("reports/policy-coverage/", CoverageReportView.as_view(), name="policy_coverage")]


@hooks.register("register_reports_menu_item")
def register_coverage_menu_item():
    return MenuItem("政策解读覆盖率", reverse("policy_coverage"), icon_name="doc-full", order=900)


@hooks.register("register_log_actions")
def register_policy_log_actions(actions):
    actions.register_action("huimin.policy.link", "关联解读", "更新了解读关联的政策文件")
    actions.register_action(
        "huimin.policy.publish_together", "文件与解读同步发布", "同步发布了政策文件及其解读"
    )
