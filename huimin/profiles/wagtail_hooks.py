"""Downloads teach the profile: a document served from an item's page (an attachment), and a dataset's
resource. Both are recorded only for a signed-in citizen whose consent is on (`recording.py`)."""

from wagtail import hooks

from . import recording
from .services import LOG_ACTIONS


@hooks.register("register_log_actions")
def register_profiles_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("before_serve_document", order=100)
def record_document_download(document, request):
    recording.document_download(request, document)


@hooks.register("on_serve_page")
def record_dataset_download(next_serve_page):
    def serve(page, request, args, kwargs):
        response = next_serve_page(page, request, args, kwargs)
        recording.page_download(request, page, args, response)
        return response

    return serve
