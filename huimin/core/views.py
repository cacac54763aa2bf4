from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template.loader import render_to_string


def page_not_found(request, exception=None):
    return HttpResponseNotFound(render_to_string("core/404.html", request=request))


def server_error(request):
    # No request context: the failure may have come from the database or a context processor.
    return HttpResponseServerError(render_to_string("core/500.html"))
