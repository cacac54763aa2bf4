"""The names the page cache shares with the front cache (Varnish) and with tools that read its headers."""

# Response header telling how a response was served: "hit" (from the page cache), "miss" (rendered, then
# kept). Responses the cache may not keep carry no such header.
CACHE_HEADER = "X-Huimin-Cache"
# Response headers a front cache keys its purges on (docs/operations.md): the hostname the response is for,
# and its tags, comma-separated ("page:<id>" for the page served, "list" when it lists other content).
HOST_HEADER = "X-Huimin-Host"
TAGS_HEADER = "X-Huimin-Tags"

# What a kept response depends on.
KIND_PAGE = "page"  # one piece of content: purged when that page changes
KIND_LIST = "list"  # lists, counts or gathers other content: purged when anything on its site changes

# The scopes of a purge.
SCOPE_SITE = "site"  # everything on a host
SCOPE_LISTS = "lists"  # every list on a host
SCOPE_PAGE = "page"  # every response that shows one page (any host, any path of a routable page)
