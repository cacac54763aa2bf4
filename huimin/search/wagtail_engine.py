"""The `wagtail` engine (`HUIMIN_SEARCH_ENGINE=wagtail`): the search documents kept in Wagtail's own search
backend (its database backend, OpenSearch or Elasticsearch) behind the interface of `backends.Engine`.
`backends.engine()` chooses it; `backends.WagtailEngine` names it."""

from __future__ import annotations

from . import analysis
from .backends import FACETS, Engine
from .expressions import MAX_TOKEN_CHARS, MODES, Filters, _is_word


class WagtailEngine(Engine):
    """Wagtail's search backend (`WAGTAILSEARCH_BACKENDS`, or the one given) as the engine, for a deployment
    that moves its index to OpenSearch or Elasticsearch with a Chinese analyzer (docs/search.md). The backend
    indexes `IndexedSearchDocument` (title, keywords and body as written, for its own analyzer, and the
    pinyin keys); a query is its text for that analyzer, with synonyms and pinyin from `analysis.py`
    (`wagtail_query`).

    With Wagtail's built-in database backend it works too, but that backend does not segment Chinese (a run
    of Chinese characters is one word to it): the benchmark (bench/search) measures it as the peer."""

    vendor = "wagtail"

    def __init__(self, backend=None):
        if backend is None:
            from wagtail.search.backends import get_search_backend

            backend = get_search_backend()
        self.backend = backend

    @staticmethod
    def _model():
        from .models import IndexedSearchDocument

        return IndexedSearchDocument

    def write(self, documents) -> None:
        ids = [doc.pk for doc in documents]
        if ids:
            model = self._model()
            self.backend.add_bulk(model, list(model.objects.filter(pk__in=ids)))

    def delete(self, ids) -> None:
        model = self._model()
        for pk in ids:
            self.backend.delete(model(pk=int(pk)))

    def render(self, expression):
        raise NotImplementedError("the wagtail engine builds its query from the analysis (wagtail_query)")

    @staticmethod
    def wagtail_query(query: analysis.QueryAnalysis, mode: str = "all"):
        """The Wagtail query of an analysed query, or None when nothing in it can match. The backend
        segments text with its own analyzer, so the query gives it the query's text as typed (normalised),
        chunk by chunk, each chunk or a stand-in for it: the chunk with a term replaced by a synonym, a
        term's pinyin keys, or the pinyin of the chunk (a misspelling meets its word by sound). "all" needs
        every chunk, "any" one."""
        from wagtail.search.query import And, Or, PlainText

        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        phrases = set(query.phrase_pinyin)
        clauses = []
        # Only letters and digits reach the backend (its own query syntax is not always escaped).
        text = "".join(ch if _is_word(ch) else " " for ch in query.normalized or "")
        for chunk in text.split():
            if len(chunk) > MAX_TOKEN_CHARS:
                continue
            options = {chunk: None}
            for term in query.terms:
                if term.text not in chunk:
                    continue
                for synonym in term.synonyms:
                    options[chunk.replace(term.text, synonym)] = None
                if term.text == chunk:
                    options.update(dict.fromkeys(term.pinyin))
            if analysis.CJK.search(chunk) and len(chunk) <= analysis.PHRASE_PINYIN_MAX:
                full = analysis.pinyin_of(chunk)[0]
                if full in phrases:
                    options[full] = None
            alternatives = [
                PlainText(
                    " ".join("".join(ch if _is_word(ch) else " " for ch in option).split()), operator="and"
                )
                for option in options
                if _is_word(option)
            ]
            clauses.append(alternatives[0] if len(alternatives) == 1 else Or(alternatives))
        if not clauses:
            return None
        if len(clauses) == 1:
            return clauses[0]
        return And(clauses) if mode == "all" else Or(clauses)

    def _search(self, query, filters: Filters, *, without: str = "", order_by_relevance: bool = True):
        queryset = self._model().objects.filter(filters.lookups(without=without))
        return self.backend.search(query, queryset, order_by_relevance=order_by_relevance)

    def match(
        self,
        query,
        filters=Filters(),
        *,
        mode="all",
        limit=20,
        offset=0,
        total=None,
        tier_above=None,
        rest_scored=None,
    ):
        """As `Engine.match`; the backend ranks all matches itself (`tier_above` and `rest_scored` do not
        apply)."""
        expression = self.wagtail_query(query, mode)
        if expression is None:
            return 0, []
        limit, offset = max(0, int(limit)), max(0, int(offset))
        results = self._search(expression, filters).annotate_score("_score")
        total = results.count() if total is None else total
        if not total or not limit:
            return total, []
        return total, [(doc.pk, float(doc._score or 0.0)) for doc in results[offset : offset + limit]]

    def best(self, query, filters=Filters(), *, mode="all", limit=20, titles_first=False):
        """As `Engine.best`: the backend's own ranking, not counted (any non-zero `total` skips the count)."""
        return self.match(query, filters, mode=mode, limit=limit, total=max(1, int(limit)))[1]

    def exists(self, query, *, mode="all"):
        expression = self.wagtail_query(query, mode)
        if expression is None:
            return False
        return len(self._search(expression, Filters(), order_by_relevance=False)[:1]) > 0

    def facets_and_total(self, query, filters=Filters(), *, mode="all"):
        """As `Engine.facets_and_total`: the backend counts each facet under the other filters, and the total
        apart."""
        counts: dict[str, dict] = {name: {} for name in FACETS}
        rendered = self.wagtail_query(query, mode)
        if rendered is None:
            return 0, counts
        attnames = {"site": "site_id", "unit": "unit_id"}
        for name in FACETS:
            results = self._search(rendered, filters, without=name, order_by_relevance=False)
            found = results.facet(attnames.get(name, name))
            for value, count in found.items():
                if value not in (None, "") and count:
                    counts[name][value] = count
        total = self._search(rendered, filters, order_by_relevance=False).count()
        return total, counts
