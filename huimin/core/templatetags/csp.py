"""`{% csp_nonce %}`: the script nonce of the response being made, for `<script nonce="{% csp_nonce %}">`.

From the request in the context when there is one, else the current request's (form widgets are rendered
without a context); "" outside a request. See `core/csp.py`.
"""

from django import template

from huimin.core.csp import current_nonce

register = template.Library()


@register.simple_tag(takes_context=True)
def csp_nonce(context) -> str:
    nonce = getattr(context.get("request"), "csp_nonce", None)
    return str(nonce) if nonce is not None else current_nonce()
