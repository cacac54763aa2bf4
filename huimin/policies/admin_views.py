"""The admin report of interpretation coverage (政策解读覆盖率) per site and per issuing unit."""

from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import queries


class CoverageReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "policies/admin/coverage.html"
    page_title = "政策解读覆盖率"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "by_site": queries.coverage_by_site(),
                "by_unit": queries.coverage_by_unit(),
                "uninterpreted": queries.policies_without_interpretation()[:200],
                "unlinked": queries.interpretations_without_policy()[:200],
            }
        )
        return context
