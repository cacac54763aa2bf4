"""Warm a web process before it serves: load once what requests would otherwise load on first use.

The first request of a cold process paid about 1.3 s for loading done lazily: jieba's dictionary with the
government-domain words, the OpenCC and pinyin tables, the translation catalogues, Wagtail's hooks, the
templates, the rules and word lists under each app's data/, the site chrome (`sites/chrome.py`) and the
policy library's facet index. `warm_up(application)` does all of it at once, then renders each site's home
page through the application. `huimin/wsgi.py` calls it after building
the WSGI application, so that with gunicorn's `preload_app` (huimin/gunicorn_conf.py) it runs once in the
master and every worker, forked from it, starts warm. Management commands and tests never import wsgi.py.

What is read from the database (the editors' search words, the chrome, the facet index) is kept under
the tokens that make each process check it on use, so a worker forked later still sees every change. The
database connections the warm-up opened are closed before it returns: a worker must never share a
connection with its master. A step that fails is logged and skipped; the process serves all the same.
"""

from __future__ import annotations

import gc
import io
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger("huimin.warmup")

# Templates a public page may render (the admin's are compiled on its first use).
PUBLIC_TEMPLATE_SKIP = ("admin/", "wagtailadmin/", "wagtailsnippets/", "wagtailusers/", "wagtailimages/")


def _translations() -> None:
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Page")  # loads every app's catalogue for the language


def _hooks() -> None:
    from wagtail import hooks

    hooks.search_for_hooks()  # imports every app's wagtail_hooks


def _urls() -> None:
    from django.urls import get_resolver, reverse

    get_resolver().url_patterns  # noqa: B018 - imports every urls module
    reverse("wagtail_serve", args=[""])  # fills the resolver's reverse tables


def _search() -> None:
    from huimin.search import analysis, queries, vocabulary

    analysis.words("政府信息公开 預熱")  # jieba with data/dictionary.txt, OpenCC, the stop words
    analysis.pinyin_keys(["预热"])
    analysis.analyze_query("yure 预热")  # pypinyin's syllable table
    vocabulary.refresh(force=True)  # the editors' words and synonym groups
    queries.ranking()
    _one_search()


def _one_search() -> None:
    """One group-wide search as the results page runs it (the engine's code paths and its statements), kept
    out of the search log and the hot words: the results page's view would record it."""
    from django.utils import timezone
    from wagtail.models import Site

    from huimin.search import queries

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if site is not None:
        queries.search("政府信息公开", site=site, scope="group", now=timezone.now())


def _rules() -> None:
    from huimin.accounts import tags
    from huimin.letters import sensitive
    from huimin.profiles import rules as profile_rules
    from huimin.safety import engine
    from huimin.search import qa, vocabulary
    from huimin.sites import catalogue
    from huimin.sites import queries as site_queries
    from huimin.surveys import rules as survey_rules

    profile_rules.rules()
    survey_rules.rules()
    site_queries.navigation_rules()
    catalogue.categories()
    sensitive.words()
    tags.keys()
    qa.rules()
    vocabulary.file_groups()
    engine.normalise("預熱")  # the safety checks' width table and OpenCC converter
    engine.shipped_dictionary()


def public_templates() -> list[str]:
    """The names of the templates of Huimin's apps and Wagtail's public parts, admin ones left out."""
    from django.apps import apps

    names = []
    for config in apps.get_app_configs():
        folder = Path(config.path) / "templates"
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.html"):
            name = path.relative_to(folder).as_posix()
            if not name.startswith(PUBLIC_TEMPLATE_SKIP) and "/admin/" not in name:
                names.append(name)
    return sorted(set(names))


def _templates() -> None:
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template

    for name in public_templates():
        try:
            get_template(name)  # compiled into the cached loader, which the workers inherit
        except (TemplateDoesNotExist, TemplateSyntaxError):
            logger.debug("warm-up: template %s skipped", name)


def _chrome() -> None:
    from wagtail.models import Site

    from huimin.sites import chrome

    kept = chrome.current()
    for site in Site.objects.all():
        kept.for_site(site.pk)


def _policy_index() -> None:
    from huimin.policies import facet_index

    facet_index.current()


def _home_pages(application) -> None:
    """Each site's home page through the whole application, as a reader's first visit would go (what is
    imported or built on a first render: context processors, template tags, the blocks' kept answers).
    A session cookie that names no session keeps the page cache (huimin/pagecache) out of the way: a page it
    already holds would be answered without being rendered."""
    from django.conf import settings
    from wagtail.models import Site

    answers: list[str] = []

    def start_response(status, headers, exc_info=None):
        answers.append(status)

    for site in Site.objects.order_by("pk"):
        answers.clear()
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/",
            "QUERY_STRING": "",
            "SERVER_NAME": site.hostname,
            "SERVER_PORT": str(site.port),
            "HTTP_HOST": site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=warm-up",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        response = application(environ, start_response)
        try:
            for _ in response:
                pass
        finally:
            getattr(response, "close", lambda: None)()
        if answers and not answers[0].startswith("200"):
            logger.debug("warm-up: %s answered %s", site.hostname, answers[0])


STEPS: list[tuple[str, Callable[[], None]]] = [
    ("translations", _translations),
    ("hooks", _hooks),
    ("urls", _urls),
    ("search", _search),
    ("rules", _rules),
    ("templates", _templates),
    ("chrome", _chrome),
    ("policy index", _policy_index),
]


warmed = False  # set once warm_up() has run in this process (or in the master it was forked from)


def warm_worker(application) -> None:
    """In a worker forked from a warm master (gunicorn's post_worker_init), before it accepts a request:
    render each site's home page once, so that the worker's own database connection is opened and the
    memory it shares with the master is copied on first write (every object a request touches is written
    to, if only its reference count) now rather than during a reader's first request."""
    if not warmed:
        return
    started = time.perf_counter()
    try:
        _home_pages(application)
        _one_search()
    except Exception:
        logger.warning("worker warm-up failed, left to the first request", exc_info=True)
        return
    # What the worker built for itself (its copies of the chrome, its connection) lives as long as the
    # worker: out of the collector's reach too, as the master's is (gunicorn_conf.when_ready), so that no
    # early request pays for a full collection over it.
    gc.collect()
    gc.freeze()
    logger.debug("worker warm-up done in %.0f ms", (time.perf_counter() - started) * 1000)


def warm_up(application=None) -> float:
    """Run every step (see the module's docstring), and with the WSGI `application`, render each site's
    home page through it; log one line with the time taken; return it in seconds."""
    from django.db import connections

    steps = list(STEPS)
    if application is not None:
        steps.append(("home pages", lambda: _home_pages(application)))
    started = time.perf_counter()
    timings, failed = [], []
    try:
        for name, step in steps:
            begun = time.perf_counter()
            try:
                step()
            except Exception:
                logger.warning("warm-up: %s failed, left to the first request", name, exc_info=True)
                failed.append(name)
            timings.append(f"{name} {(time.perf_counter() - begun) * 1000:.0f}")
    finally:
        connections.close_all()
    global warmed
    warmed = True
    seconds = time.perf_counter() - started
    logger.info(
        "warm-up done in %.0f ms (%s ms)%s",
        seconds * 1000,
        ", ".join(timings),
        f"; failed: {', '.join(failed)}" if failed else "",
    )
    return seconds
