from wagtail import hooks

from . import queries


@hooks.register("before_serve_page")
def mark_page_for_cache(page, request, serve_args, serve_kwargs):
    """Tell the page cache which page this answer shows, and draw that page's token before rendering."""
    ticket = getattr(request, "page_cache_ticket", None)
    if ticket is None:
        return None
    ticket.kind = queries.kind_of(page)
    if ticket.kind is not None:
        ticket.page_id = page.pk
        ticket.tokens.update(queries.current_tokens([queries.page_token_key(page.pk)]))
    return None
