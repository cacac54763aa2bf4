from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from huimin.api import api
from huimin.core.audit_views import AuditedSiteHistoryView
from huimin.opendata.dcat import catalog_view
from huimin.search.qa_views import qa_page
from huimin.sites.views import site_map

urlpatterns = [
    # Wagtail's 网站历史 with its exports recorded in the audit log; the same address, name and access rule.
    path(
        "admin/reports/site-history/",
        require_admin_access(AuditedSiteHistoryView.as_view()),
        name="huimin_site_history",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("gongju/", include("huimin.workdays.urls")),
    path("hudong/liuyan/", include("huimin.letters.urls")),
    path("zfxxgk/", include("huimin.disclosure.urls")),
    path("open311/v2/", include("huimin.letters.open311")),
    path("moshi/", include("huimin.accessibility.urls")),
    path("search/", include("huimin.search.urls")),
    path("accounts/subscriptions/", include("huimin.subscriptions.urls")),
    path("accounts/interests/", include("huimin.profiles.urls")),
    path("accounts/surveys/", include("huimin.surveys.urls")),
    path("accounts/", include("huimin.accounts.urls")),
    path("catalog.jsonld", catalog_view, name="opendata_catalog"),
    path("qa/", qa_page, name="qa"),
    path("wzdt/", site_map, name="site_map"),
]

if settings.HUIMIN_SERVE_MEDIA:
    import re

    from django.urls import re_path
    from django.views.static import serve

    # Uploaded media for development; documents only through /documents/, where their access rule applies
    # (nginx refuses /media/documents/ in production the same way).
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?!documents/)(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "huimin.core.views.bad_request"
handler403 = "huimin.core.views.permission_denied"
handler404 = "huimin.core.views.page_not_found"
handler500 = "huimin.core.views.server_error"
