from .enums import Mode
from .queries import mode_of, switch_url


def display_mode(request):
    """The reader's display mode and the links to the other modes, back to this same page."""
    mode = mode_of(request)
    here = request.get_full_path()
    return {
        "display_mode": mode.value,
        "mode_links": {m.value: switch_url(m, here) for m in Mode},
    }
