"""The inspection crawler: fetches a site within its host (and, when asked, its subdomains), honours
robots.txt, limits requests per host, checks every link, image, script, stylesheet and attachment once, and
runs the page checks on every HTML page as it arrives, so memory stays flat however large the site.

asyncio with aiohttp: one connection pool of `concurrency` connections, redirects followed by hand (to see
loops and login pages), bodies read only for pages and text attachments and never past `max_bytes`
(compression bombs and endless downloads stop there). Nothing a site sends stops a crawl: every failure
becomes a `Response` with an `error`, and every failing link a finding.

The page work (decoding, parsing, the page checks, resolving the links) is `check_page`, run in this
process or, with `Options.workers`, in that many forked worker processes (`pool.py`) while the fetch loop
stays here: the same function on the same input either way, so the findings are the same.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import socket
import ssl
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import aiohttp

from .document import Finding, Response, Site
from .enums import Check, Severity
from .parse import build_page
from .pool import PageSkipped, WorkerPool

logger = logging.getLogger(__name__)
USER_AGENT = "HuiminInspector/1.0 (government website inspection)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain", "text/csv")
FOLLOWED_KINDS = ("a", "iframe")
MAX_REDIRECTS = 10
MAX_URL_LENGTH = 2000
MAX_REMEMBERED = 200_000  # URLs whose scope a crawl remembers (as many as `normalise` keeps)
LOGIN_CAUTION = "链接跳转到登录页面"
LOGIN_PATH = re.compile(r"/(?:login|signin|sign-in|logon|passport|cas/login|sso)(?:[/.?]|$)", re.IGNORECASE)
BLOCK_PAGE = re.compile(
    r"您的访问请求可能对网站造成安全威胁|访问被拦截|网站防火墙|安全狗|云锁"
    r"|Access Denied|Web Application Firewall"
)
ERROR_TEXT = {
    "timeout": "请求超时",
    "dns": "域名无法解析",
    "tls": "证书或加密连接错误",
    "connection": "无法连接",
    "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向次数过多",
    "invalid_url": "网址无效",
    "read": "读取中断",
}


@dataclass
class Options:
    max_pages: int = 500
    concurrency: int = 16
    rate: float = 10.0  # requests per second per host; 0 means no limit
    timeout: float = 15.0
    connect_timeout: float = 10.0  # within `timeout`
    max_bytes: int = 5 * 1024 * 1024
    max_depth: int = 30
    subdomains: bool = False
    robots: bool = True
    check_external: bool = True
    user_agent: str = USER_AGENT
    workers: int = 0  # processes building and checking pages (`pool.py`); 0: all in the crawling process


@dataclass
class Crawl:
    """What a crawl leaves: the start response, the number of pages checked, and the findings."""

    site: Site
    start: Response | None = None
    pages_crawled: int = 0
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0


@lru_cache(maxsize=MAX_REMEMBERED)
def normalise(url: str) -> str | None:
    """Scheme and host lower-cased, default port and fragment dropped; None for what cannot be fetched."""
    if len(url) > MAX_URL_LENGTH:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return urlunsplit((parts.scheme, host, parts.path or "/", parts.query, ""))


# What the crawl does with a link found on a page (`check_page` decides, the fetch loop acts).
FOLLOW = 0  # a page or frame of the site: crawled
CHECK = 1  # anything else of the site, or of another site when those are checked: its status checked
NOTE = 2  # another site's, not checked (`--no-external`): only where it is linked is kept


class PageResult(NamedTuple):
    """What the fetch loop needs from a page once it is built and checked: its own URL, its distinct links
    as (normalised target, FOLLOW/CHECK/NOTE) in the order the page gives them, the page checks' findings,
    and whether it is a firewall's block page."""

    url: str
    links: list[tuple[str, int]]
    findings: list[Finding]
    blocked: bool


def check_page(
    job: tuple[Response, bool, int], *, site: Site, page_checks: Callable, in_scope: Callable, external: bool
) -> PageResult:
    """Build the page of a fetched HTML response (`job`: the response, whether it is the homepage, its
    depth), run the page checks on it and resolve its links. Pure: the same job gives the same result in
    any process."""
    response, is_homepage, depth = job
    page = build_page(response, is_homepage=is_homepage, depth=depth)
    findings = list(page_checks(page, site))
    links, known = [], set()
    for link in page.links:
        target = normalise(link.url)
        if target is None:
            continue
        ours = in_scope(target)
        action = FOLLOW if ours and link.kind in FOLLOWED_KINDS else CHECK if ours or external else NOTE
        if (target, action) not in known:
            known.add((target, action))
            links.append((target, action))
    return PageResult(page.url, links, findings, BLOCK_PAGE.search(page.html[:20000]) is not None)


class _Resolver(aiohttp.ThreadedResolver):
    """The system resolver, except that `localhost` and every `*.localhost` name are the loopback address
    (RFC 6761), as browsers treat them; the demo's sites are named so."""

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET):
        if host == "localhost" or host.endswith(".localhost"):
            flags = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
            return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET,
                     "proto": 0, "flags": flags}]  # fmt: skip
        return await super().resolve(host, port, family)


class _Limiter:
    """At most `rate` request starts per second per host (a simple spacing of starts)."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at: dict[str, float] = defaultdict(float)
        self.lock = asyncio.Lock()

    async def wait(self, host: str) -> None:
        if not self.interval:
            return
        async with self.lock:
            now = time.monotonic()
            at = max(now, self.next_at[host])
            self.next_at[host] = at + self.interval
        if at > now:
            await asyncio.sleep(at - now)


class Crawler:
    def __init__(self, site: Site, options: Options, page_checks: Callable | None = None, progress=None):
        if page_checks is None:
            from .checks import run_page_checks as page_checks  # the page checks live in their own package

        self.site, self.options = site, options
        self.page_checks = page_checks
        self.progress = progress or (lambda crawled, queued: None)
        self.crawl = Crawl(site)
        start = normalise(site.start_url)
        if start is None:
            raise ValueError("网址无效：请提供以 http:// 或 https:// 开头的完整网址。")
        self.start_url = start
        self.scope = urlsplit(start).hostname or ""
        self._in_scope: dict[str, bool] = {}  # URL → in scope (each process fills its own)
        self.seen: set[str] = set()
        self.checked: dict[str, Response] = {}
        self.pending_checks: dict[str, asyncio.Task] = {}
        self.referrers: dict[str, dict[str, bool]] = defaultdict(dict)  # target -> {page: on homepage}
        self.queue: asyncio.Queue = asyncio.Queue()
        self.limiter = _Limiter(options.rate)
        # Requests in flight never exceed the pool, so a request's timeout counts its own time only, not
        # the wait for a free connection behind hundreds of queued link checks.
        self.slots = asyncio.Semaphore(options.concurrency)
        self.robots: RobotFileParser | None = None
        self.enqueued = 0
        self.pool = None  # the page-check workers (`pool.WorkerPool`) while a crawl with workers runs
        # With workers, a fetched page is handed to them and its fetcher goes on to the next URL; at most
        # this many pages wait for or are in their checks at once (memory stays bounded).
        self.checking = asyncio.Semaphore(max(options.concurrency, 2 * max(options.workers, 1)))
        self.in_checks: set[asyncio.Task] = set()
        self.page_work = partial(
            check_page,
            site=site,
            page_checks=self.page_checks,
            in_scope=self.in_scope,
            external=options.check_external,
        )

    # --- scope and robots ---------------------------------------------------------------------------

    def in_scope(self, url: str) -> bool:
        known = self._in_scope.get(url)
        if known is None:
            host = urlsplit(url).hostname or ""
            known = host == self.scope or (self.options.subdomains and host.endswith("." + self.scope))
            if len(self._in_scope) < MAX_REMEMBERED:  # a page links the same site's URLs again and again
                self._in_scope[url] = known
        return known

    def allowed(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(self.options.user_agent, url)

    async def _load_robots(self, session) -> None:
        if not self.options.robots:
            return
        response = await self.fetch(session, urljoin(self.start_url, "/robots.txt"), read=True)
        if response.status == 200 and response.body:
            parser = RobotFileParser()
            parser.parse(response.body.decode("utf-8", "replace").splitlines())
            self.robots = parser

    # --- fetching ------------------------------------------------------------------------------------

    async def fetch(
        self, session, url: str, *, read: bool, method: str = "GET", any_type: bool = False, limit: int = 0
    ) -> Response:
        """One URL with its redirects; the body read (up to `limit`, default the crawl's) only when `read`
        and it is a page or a text file (or anything, with `any_type`)."""
        chain: list[str] = []
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if self.limiter.interval:
                await self.limiter.wait(urlsplit(current).netloc)
            try:
                async with self.slots, session.request(method, current, allow_redirects=False) as answer:
                    headers = {k.lower(): v for k, v in answer.headers.items()}
                    if answer.status in (301, 302, 303, 307, 308) and "location" in headers:
                        target = normalise(urljoin(current, headers["location"]))
                        if target is None:
                            return Response(url, current, None, "invalid_url", headers, redirects=chain)
                        chain.append(current)
                        if target in chain or target == current:
                            return Response(url, target, None, "redirect_loop", headers, redirects=chain)
                        current = target
                        continue
                    if method == "HEAD" and answer.status in (405, 501, 403):
                        method = "GET"  # some servers refuse HEAD; ask again properly
                        continue
                    body, truncated = b"", False
                    kind = headers.get("content-type", "").split(";")[0].strip().lower()
                    readable = any_type or kind in HTML_TYPES or kind in TEXT_TYPES or not kind
                    if read and method == "GET" and readable:
                        body, truncated = await self._read(answer, limit or self.options.max_bytes)
                    return Response(url, current, answer.status, "", headers, body, truncated, chain)
            except TimeoutError:
                return Response(url, current, None, "timeout", redirects=chain)
            except aiohttp.ClientConnectorCertificateError:
                return Response(url, current, None, "tls", redirects=chain)
            except aiohttp.ClientConnectorDNSError:
                return Response(url, current, None, "dns", redirects=chain)
            except (aiohttp.ClientSSLError, ssl.SSLError):
                return Response(url, current, None, "tls", redirects=chain)
            except aiohttp.ClientPayloadError:
                return Response(url, current, None, "read", redirects=chain)
            except (aiohttp.ClientError, OSError, ValueError, UnicodeError):
                return Response(url, current, None, "connection", redirects=chain)
        return Response(url, current, None, "too_many_redirects", redirects=chain)

    async def _read(self, answer, limit: int) -> tuple[bytes, bool]:
        parts, size = [], 0
        async for chunk in answer.content.iter_chunked(64 * 1024):
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                return b"".join(parts)[:limit], True
        return b"".join(parts), False

    # --- the crawl -----------------------------------------------------------------------------------

    def _enqueue(self, url: str, depth: int) -> None:
        if url in self.seen or self.enqueued >= self.options.max_pages or depth > self.options.max_depth:
            return
        if not self.allowed(url):
            return
        self.seen.add(url)
        self.enqueued += 1
        self.queue.put_nowait((url, depth))

    async def _worker(self, session) -> None:
        while True:
            url, depth = await self.queue.get()
            handed_over = False
            try:
                handed_over = await self._visit(session, url, depth)
            except Exception:  # one page must never stop the crawl
                logger.exception("Inspection of %s failed", url)
            finally:
                if not handed_over:
                    self.queue.task_done()

    async def _visit(self, session, url: str, depth: int) -> bool:
        """Fetch `url` and check it; True when its checks were handed to the workers, which then mark the
        queue's item done (`_checked_by_pool`), so that the fetcher goes on meanwhile."""
        response = await self.fetch(session, url, read=True)
        self.checked[url] = response
        is_home = url == self.start_url
        if is_home:
            self.crawl.start = response
        if not response.ok or response.content_type not in HTML_TYPES or not response.body:
            if response.ok and response.content_type in TEXT_TYPES and response.body:
                from .checks.privacy import privacy_in_text

                text = response.body.decode("utf-8", "replace")
                self.crawl.findings.extend(privacy_in_text(text, url, False))
            return
        final = normalise(response.final_url) or url
        if final != url:
            if not self.in_scope(final):
                return  # redirected off the site: its status is all we check
            if final in self.seen:
                return  # an alias of a page crawled under its own address (a switch link, a short URL)
            self.seen.add(final)
        job = (response, is_home, depth)
        if self.pool is not None:
            await self.checking.acquire()
            task = asyncio.ensure_future(self._checked_by_pool(session, job, url))
            self.in_checks.add(task)  # a reference, so the task is not collected before it ends
            task.add_done_callback(self.in_checks.discard)
            return True
        self._page_checked(session, url, job, self.page_work(job))
        return False

    async def _checked_by_pool(self, session, job, url: str) -> None:
        try:
            page = await self.pool.run(job, url)
            self._page_checked(session, url, job, page)
        except PageSkipped:
            pass  # it stopped two workers; the pool has logged it
        except Exception:  # one page must never stop the crawl
            logger.exception("Inspection of %s failed", url)
        finally:
            self.checking.release()
            self.queue.task_done()

    def _page_checked(self, session, url: str, job, page) -> None:
        """What a checked page brings: its findings, and its links followed or queued for a check."""
        response, is_home, depth = job
        self.crawl.pages_crawled += 1
        self.crawl.findings.extend(page.findings)
        if page.blocked:  # a firewall's block page is reported for its referrers as a caution
            self.checked[url] = Response(url, page.url, 403, "", response.headers)
        referrers, pending, seen = self.referrers, self.pending_checks, self.seen
        for target, action in page.links:
            referrers[target][page.url] = is_home
            if action == FOLLOW:
                self._enqueue(target, depth + 1)
            elif action == CHECK and target not in pending and target not in seen:
                pending[target] = asyncio.ensure_future(self._check(session, target))
        self.progress(self.crawl.pages_crawled, self.enqueued)

    async def _check(self, session, url: str) -> None:
        self.checked[url] = await self.fetch(session, url, read=False, method="HEAD")

    def session(self) -> aiohttp.ClientSession:
        """The HTTP client of a crawl: one pool of `concurrency` connections, no cookies kept."""
        options = self.options
        timeout = aiohttp.ClientTimeout(
            total=options.timeout, sock_connect=min(options.timeout, options.connect_timeout)
        )
        connector = aiohttp.TCPConnector(
            limit=options.concurrency, ttl_dns_cache=300, ssl=True, resolver=_Resolver()
        )
        headers = {"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"}
        return aiohttp.ClientSession(
            connector=connector, timeout=timeout, headers=headers, cookie_jar=aiohttp.DummyCookieJar()
        )

    async def _start_pool(self) -> None:
        """The page-check workers, forked before the crawl starts any thread, after what the checks share
        across pages (the safety dictionary) is resolved here, once, for all of them."""
        from .checks import prepare

        prepare(self.site)
        self.pool = await WorkerPool(self.page_work, self.options.workers).start()

    async def run(self) -> Crawl:
        began = time.monotonic()
        try:
            if self.options.workers > 0:
                await self._start_pool()
            return await self._run()
        finally:
            if self.pool is not None:
                await self.pool.close()
                self.pool = None
            self.crawl.seconds = time.monotonic() - began

    async def _run(self) -> Crawl:
        options = self.options
        async with self.session() as session:
            await self._load_robots(session)
            self.seen.add(self.start_url)
            self.enqueued = 1
            self.queue.put_nowait((self.start_url, 0))
            workers = [asyncio.ensure_future(self._worker(session)) for _ in range(options.concurrency)]
            await self.queue.join()
            while self.pending_checks:
                pending = [t for t in self.pending_checks.values() if not t.done()]
                if not pending:
                    break
                await asyncio.gather(*pending)
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            if self.crawl.start is None or self.crawl.start.status is None or self.crawl.start.status >= 400:
                self.crawl.findings.append(self._unreachable())
            else:
                self.crawl.findings.extend(self._link_findings())
                from .probes import probe_site  # HTTPS, exposed files: a few requests of their own

                self.crawl.findings.extend(await probe_site(self, session))
        return self.crawl

    def _unreachable(self) -> Finding:
        start = self.crawl.start
        if start is None:
            evidence = "站点无法访问"
        elif start.status is None:
            reason = ERROR_TEXT.get(start.error, start.error)
            evidence = f"站点无法访问：{reason}（{self.options.timeout:.0f} 秒内无响应）"
        else:
            evidence = f"站点无法访问：首页返回 HTTP {start.status}"
        return Finding(Check.UNREACHABLE, Severity.VETO, self.start_url, "", evidence, True)

    def _link_findings(self) -> list[Finding]:
        findings = []
        for target, response in self.checked.items():
            verdict = classify(response)
            if verdict is None:
                continue
            check, severity, evidence = verdict
            for page_url, homepage in self.referrers.get(target, {}).items():
                if evidence == LOGIN_CAUTION and response.final_url == page_url:
                    continue  # a link on a login page that comes back to it (a display mode, a language)
                findings.append(Finding(check, severity, page_url, target, evidence, homepage))
        return findings


def classify(response: Response) -> tuple[Check, Severity, str] | None:
    """A link's verdict: broken, a caution (reported, not counted as broken), or fine (None)."""
    if response.status is None:
        if response.error in ("redirect_loop", "too_many_redirects"):
            return Check.LINK_CAUTION, Severity.INFO, ERROR_TEXT[response.error]
        return Check.BROKEN_LINK, Severity.DEDUCT, ERROR_TEXT.get(response.error, response.error)
    if response.status in (401, 403, 429):
        return Check.LINK_CAUTION, Severity.INFO, f"HTTP {response.status}（需要登录、被拒绝或限流）"
    if response.status >= 400:
        return Check.BROKEN_LINK, Severity.DEDUCT, f"HTTP {response.status}"
    if (
        response.redirects
        and LOGIN_PATH.search(urlsplit(response.final_url).path)
        and not LOGIN_PATH.search(urlsplit(response.url).path)  # a login link that ends at a login form
    ):
        return Check.LINK_CAUTION, Severity.INFO, LOGIN_CAUTION
    return None


class ProbeResult(NamedTuple):
    """What one availability probe saw: whether the homepage answered below 400, a short reason, how long
    the answer took (milliseconds, body included; None without an answer), and the page's visible text
    (an HTML answer below 400 only; empty otherwise). Indexes 0 and 1 are (ok, detail) as before."""

    ok: bool
    detail: str
    ms: int | None = None
    text: str = ""

    @property
    def digest(self) -> str:
        """SHA-256 of the visible text with its runs of white space collapsed; empty without text."""
        words = " ".join(self.text.split())
        return hashlib.sha256(words.encode("utf-8")).hexdigest() if words else ""


PROBE_MAX_BYTES = 2 * 1024 * 1024


async def _timed(crawler: Crawler, session, url: str) -> tuple[Response, int]:
    began = time.monotonic()
    answer = await crawler.fetch(session, url, read=True, limit=PROBE_MAX_BYTES)
    return answer, round((time.monotonic() - began) * 1000)


async def _availability(urls: list[str], timeout: float) -> dict[str, ProbeResult]:
    from .checks.common import text_of

    site = Site(urls[0], datetime.now().astimezone())
    # One connection per homepage (up to a bound), so a probe's time is its own and not a queue's.
    options = Options(rate=0, timeout=timeout, connect_timeout=timeout, concurrency=min(len(urls), 64))
    crawler = Crawler(site, options, page_checks=lambda page, site: [])
    async with crawler.session() as session:
        answers = await asyncio.gather(*(_timed(crawler, session, url) for url in urls))
    results = {}
    for url, (answer, ms) in zip(urls, answers, strict=True):
        if answer.status is None:
            results[url] = ProbeResult(False, ERROR_TEXT.get(answer.error, answer.error))
            continue
        text = ""
        if answer.status < 400 and answer.content_type in HTML_TYPES and answer.body:
            text = text_of(build_page(answer, is_homepage=True).tree.body)
        results[url] = ProbeResult(answer.status < 400, f"HTTP {answer.status}", ms, text)
    return results


def availability(urls: list[str], timeout: float = 15.0) -> dict[str, ProbeResult]:
    """Whether each homepage answers below 400 within `timeout` seconds (a homepage that refuses the patrol
    is not available), with a short reason, the time the answer took and the homepage's visible text (for
    the security alerts: slow answers, a defaced page)."""
    return asyncio.run(_availability(urls, timeout)) if urls else {}


def inspect_site(site: Site, options: Options, progress=None, page_checks=None) -> Crawl:
    """Crawl one site and return what was found (runs its own event loop)."""
    return asyncio.run(Crawler(site, options, page_checks, progress).run())
