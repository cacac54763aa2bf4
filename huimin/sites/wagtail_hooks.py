from django.http import Http404
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from huimin.core.admin_views import ServiceFormMixin

from . import scoping, services
from .admin_api import ScopedDocumentsAdminAPIViewSet, ScopedImagesAdminAPIViewSet
from .models import ColumnType, Membership, OrgUnit


class OrgUnitViewSet(ModelViewSet):
    model = OrgUnit
    icon = "group"
    menu_label = "组织机构"
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    form_fields = ["name", "short_name", "kind", "parent", "sort_order"]


class ColumnTypeViewSet(ModelViewSet):
    model = ColumnType
    icon = "list-ul"
    menu_label = "栏目类型"
    list_display = ["name", "update_cycle_days", BooleanColumn("is_national", label="国家规范类型")]
    form_fields = ["name", "update_cycle_days", "is_national"]


class MembershipCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        return _assign_from_form(self)


class MembershipEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        services.revoke_role(Membership.objects.get(pk=self.object.pk), actor=self.request.user)
        return _assign_from_form(self)


def _assign_from_form(view):
    data = view.form.cleaned_data
    return services.assign_role(
        data["user"], role=data["role"], org_unit=data["org_unit"], site=data["site"], actor=view.request.user
    )


class MembershipDeleteView(generic.DeleteView):
    def delete_action(self):
        services.revoke_role(self.object, actor=self.request.user)


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "user"
    menu_label = "人员角色"
    list_display = ["user", "role", "org_unit", "site"]
    list_filter = ["role", "site"]
    form_fields = ["user", "org_unit", "site", "role"]
    add_view_class = MembershipCreateView
    copy_view_enabled = False  # a copy would be saved by the generic create view, past the service
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView


class SiteGroupViewSetGroup(ViewSetGroup):
    menu_label = "网站群管理"
    menu_icon = "site"
    menu_order = 250
    items = (OrgUnitViewSet("orgunits"), MembershipViewSet("memberships"), ColumnTypeViewSet("columntypes"))


@hooks.register("register_admin_viewset")
def register_site_group_viewsets():
    return SiteGroupViewSetGroup()


@hooks.register("register_log_actions")
def register_site_log_actions(actions):
    actions.register_action("huimin.site.create", "创建站点", "创建了站点")
    actions.register_action("huimin.role.assign", "授予角色", "授予了角色")
    actions.register_action("huimin.role.revoke", "撤销角色", "撤销了角色")


# --- the scope of Wagtail's shared screens (scoping.py, docs/decisions/0014) -----------------------------


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser(pages, request):
    return scoping.choosable_pages(pages, request.user)


@hooks.register("construct_admin_api", order=100)
def scope_admin_api_media(router):
    # Registered after Wagtail's own (order 100), so these replace its document and image endpoints.
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)


@hooks.register("before_serve_document")
def serve_only_reachable_or_published(document, request):
    if not scoping.may_download(request.user, document):
        raise Http404("文件不存在。")


# --- 三员分立 and the audit log (docs/decisions/0013) ----------------------------------------------------


@hooks.register("register_audit_value_labels")
def audit_value_labels():
    """The audit log shows a role by its name (`安全审计员`), not its code (`security_auditor`)."""
    from .enums import Role

    return {"role": dict(Role.choices)}


def _label_site_columns_in_chinese() -> None:
    """Wagtail's 站点 list names three of its columns after the field (`Column("port")` reads "Port"): they
    take the fields' own, translated names instead."""
    from django.utils.text import capfirst
    from wagtail.models import Site as WagtailSite
    from wagtail.sites.views import IndexView

    for column in IndexView.columns:
        if column.name in ("port", "site_name", "root_page"):
            column.label = capfirst(WagtailSite._meta.get_field(column.name).verbose_name)


_label_site_columns_in_chinese()
