from django import template
from django.utils.html import format_html, format_html_join

from ..page_tags import tags_for_page

register = template.Library()


@register.simple_tag(takes_context=True)
def national_tags(context, page=None):
    """Render the national <meta> tags for the page (site tags alone when there is no page)."""
    request = context.get("request")
    identity = context.get("site_identity")
    identity = identity if identity else None  # unwrap an empty lazy object
    tags = tags_for_page(page, request, identity)
    return format_html_join(
        "\n", '<meta name="{}" content="{}">', ((name, value or "") for name, value in tags)
    )


@register.simple_tag(takes_context=True)
def error_report_url(context):
    identity = context.get("site_identity")
    request = context.get("request")
    if not identity or request is None:
        return ""
    return identity.error_report_url(request.build_absolute_uri())


@register.simple_tag
def demo_badge(page):
    if getattr(page, "is_demo", False):
        return format_html('<p class="demo-badge">{}</p>', "演示内容：本条信息为演示数据，非真实政务信息。")
    return ""
