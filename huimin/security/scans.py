"""The scheduled security scan of one site (`huimin security-scan`): the homepage's security headers, HTTPS
and TLS (protocol and the certificate's days left), the sensitive files the patrol probes
(`inspection.probes.probe_site`, reused as it is), directory listings and admin login pages on public hosts
(`exposure.py`), and software versions known to be vulnerable, named by generator tags, `Server` and
`X-Powered-By` headers and script file names (data/known_bad.json). What each check looks at is data
(data/scan.json).

`scan(url, now)` returns the checks as dicts: code, label, status (pass, warn, fail, skip), risk (high,
medium, low), detail (Chinese) and items (the problems, as text); nothing a site sends makes it raise."""

from __future__ import annotations

import asyncio
import socket
import ssl
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiohttp

from huimin.inspection import crawler as crawling
from huimin.inspection.checks.headers import insecure
from huimin.inspection.crawler import ERROR_TEXT, HTML_TYPES
from huimin.inspection.parse import build_page
from huimin.inspection.probes import probe_site

from . import exposure, rules
from .enums import CheckStatus, Risk

# How the patrol's header check words its findings (inspection/checks/headers.py).
DISCLOSED = "响应头暴露服务器软件版本"
TLS_LABEL = "加密连接协议"
MIXED = "HTTPS 页面引用了"


@dataclass
class CheckResult:
    code: str
    label: str
    status: str
    risk: str = Risk.LOW
    detail: str = ""
    items: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


# --- TLS -------------------------------------------------------------------------------------------------


@dataclass
class TlsFacts:
    version: str = ""
    verified: bool = False
    problem: str = ""  # why the certificate could not be verified, or why no TLS connection was made
    not_after: datetime | None = None
    connected: bool = False


def _tlv(data: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of the value, end of the value) of the DER element at `at`."""
    tag, length = data[at], data[at + 1]
    at += 2
    if length & 0x80:
        size = length & 0x7F
        length = int.from_bytes(data[at : at + size], "big")
        at += size
    return tag, at, at + length


def _der_time(tag: int, raw: bytes) -> datetime:
    text = raw.decode("ascii").rstrip("Z")
    if tag == 0x17:  # UTCTime: YYMMDDHHMMSS
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    return datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def certificate_expiry(der: bytes) -> datetime | None:
    """The notAfter of a DER X.509 certificate (Certificate → tbsCertificate → validity), None if the bytes
    are not one."""
    try:
        _, start, _ = _tlv(der, 0)  # Certificate
        _, at, _ = _tlv(der, start)  # tbsCertificate
        tag, _, end = _tlv(der, at)
        if tag == 0xA0:  # [0] version
            at = end
        for _ in range(3):  # serialNumber, signature, issuer
            _, _, at = _tlv(der, at)
        _, at, _ = _tlv(der, at)  # validity
        _, _, at = _tlv(der, at)  # notBefore
        tag, start, end = _tlv(der, at)  # notAfter
        return _der_time(tag, der[start:end])
    except (IndexError, ValueError, UnicodeDecodeError):
        return None


def _address(host: str) -> str:
    return "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host


def _handshake(host: str, port: int, context: ssl.SSLContext, timeout: float) -> tuple[str, bytes]:
    with (
        socket.create_connection((_address(host), port), timeout=timeout) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        return tls.version() or "", tls.getpeercert(binary_form=True) or b""


def verified_context(ca_file: str | None = None) -> ssl.SSLContext:
    """The system's trusted certificates, and the ones in `ca_file` too (a city's own CA)."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(ca_file)
    return context


def tls_facts(host: str, port: int, *, timeout: float = 10.0, ca_file: str | None = None) -> TlsFacts:
    """The TLS protocol a site speaks and its certificate's expiry, and whether the certificate verifies
    (when it does not, a second handshake without verification still reads the protocol and the date)."""
    facts = TlsFacts()
    try:
        facts.version, der = _handshake(host, port, verified_context(ca_file), timeout)
        facts.verified = facts.connected = True
    except ssl.SSLCertVerificationError as error:
        facts.problem = f"证书无法验证：{error.verify_message or error.reason}"
        loose = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        loose.check_hostname = False
        loose.verify_mode = ssl.CERT_NONE
        loose.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        try:
            loose.set_ciphers("DEFAULT:@SECLEVEL=0")
            facts.version, der = _handshake(host, port, loose, timeout)
            facts.connected = True
        except (OSError, ssl.SSLError, ValueError):
            return facts
    except (OSError, ssl.SSLError, ValueError) as error:
        facts.problem = f"无法建立加密连接：{getattr(error, 'reason', None) or type(error).__name__}"
        return facts
    facts.not_after = certificate_expiry(der)
    return facts


def tls_checks(facts: TlsFacts, now: datetime) -> list[CheckResult]:
    rule = rules.scan_rules()
    if not facts.connected:
        return [CheckResult("tls", TLS_LABEL, CheckStatus.FAIL, Risk.HIGH, facts.problem)]
    found = []
    known = facts.version in rules.TLS_VERSIONS
    weak = known and rules.TLS_VERSIONS.index(facts.version) < rules.TLS_VERSIONS.index(rule.min_tls)
    found.append(
        CheckResult(
            "tls",
            TLS_LABEL,
            CheckStatus.FAIL if weak else CheckStatus.PASS,
            Risk.HIGH,
            f"协议版本 {facts.version or '未知'}" + (f"，低于 {rule.min_tls}" if weak else ""),
        )
    )
    days = None if facts.not_after is None else (facts.not_after - now).total_seconds() / 86400
    if not facts.verified:
        status, detail = CheckStatus.FAIL, facts.problem
    elif days is None:
        status, detail = CheckStatus.WARN, "未能读取证书有效期"
    elif days < 0:
        status, detail = CheckStatus.FAIL, "证书已过期"
    elif days < rule.warn_days:
        status, detail = CheckStatus.WARN, f"证书将在 {int(days)} 天后过期"
    else:
        status, detail = CheckStatus.PASS, f"证书有效，剩余 {int(days)} 天"
    if days is not None and not facts.verified:
        detail += f"（{'已过期' if days < 0 else f'剩余 {int(days)} 天'}）"
    found.append(CheckResult("certificate", "网站证书", status, Risk.HIGH, detail))
    return found


# --- headers and versions --------------------------------------------------------------------------------


def header_checks(headers: dict[str, str], https: bool) -> list[CheckResult]:
    found = []
    csp = headers.get("content-security-policy", "").lower()
    for rule in rules.scan_rules().headers:
        if rule.https_only and not https:
            found.append(CheckResult(rule.code, rule.label, CheckStatus.SKIP, rule.risk, "网站未使用 HTTPS"))
            continue
        value = headers.get(rule.header, "")
        present = bool(value.strip()) and (not rule.expect or rule.expect in value.lower())
        if not present and rule.or_csp and rule.or_csp in csp:
            present, value = True, f"Content-Security-Policy 中的 {rule.or_csp}"
        detail = f"已设置：{value[:120]}" if present else "未设置"
        if value and not present:
            detail = f"取值不符合要求：{value[:120]}"
        found.append(
            CheckResult(
                rule.code, rule.label, CheckStatus.PASS if present else CheckStatus.FAIL, rule.risk, detail
            )
        )
    return found


def _generator(meta: dict[str, str]) -> str:
    return next((value for name, value in meta.items() if name.lower() == "generator"), "")


def version_checks(headers: dict[str, str], page) -> list[CheckResult]:
    """Software versions known to be vulnerable (data/known_bad.json), named by the page's generator tag,
    the `Server` and `X-Powered-By` headers, and the file names of its scripts."""
    links = page.links if page is not None else []
    sources = {
        "generator": [_generator(page.meta)] if page is not None else [],
        "server": [headers.get("server", "")],
        "powered_by": [headers.get("x-powered-by", "")],
        "script": [urlsplit(link.url).path.rsplit("/", 1)[-1] for link in links if link.kind == "script"],
    }
    bad, seen = [], []
    for rule in rules.known_bad():
        for text in sources[rule.where]:
            match = rule.pattern.search(text or "")
            if not match:
                continue
            version = match.group(1).strip(".")
            found = rules.version_tuple(version)
            seen.append(f"{rule.product} {version}")
            if found and found < rule.below:
                bad.append(f"{rule.product} {version}（低于 {rule.below_text}）：{rule.note}")
    seen = sorted(set(seen))
    if bad:
        summary = f"发现 {len(bad)} 个存在已知漏洞的软件版本"
    elif seen:
        summary = "识别到：" + "、".join(seen) + "，均不在已知漏洞版本之列"
    else:
        summary = "未识别到软件版本"
    status = CheckStatus.FAIL if bad else CheckStatus.PASS
    checks = [CheckResult("known_bad", "已知漏洞版本", status, Risk.HIGH, summary, sorted(set(bad)))]
    return checks


def page_checks(page, now: datetime) -> list[CheckResult]:
    """What the patrol's own check of a homepage's response says (`inspection.checks.headers.insecure`,
    reused as it is): server versions given away in the headers, and HTTP resources on an HTTPS page."""
    if page is None:
        reason = "首页不是网页，无法检查"
        return [
            CheckResult("version_disclosure", "响应头暴露软件版本", CheckStatus.SKIP, Risk.LOW, reason),
            CheckResult("mixed_content", "混合内容", CheckStatus.SKIP, Risk.MEDIUM, reason),
        ]
    findings = list(insecure(page, crawling.Site(page.url, now)))
    disclosed = [f.evidence for f in findings if f.evidence.startswith(DISCLOSED)]
    mixed = [f.evidence for f in findings if f.evidence.startswith(MIXED)]
    https = urlsplit(page.url).scheme == "https"
    return [
        CheckResult(
            "version_disclosure",
            "响应头暴露软件版本",
            CheckStatus.WARN if disclosed else CheckStatus.PASS,
            Risk.LOW,
            "建议在服务器配置中隐藏软件版本号" if disclosed else "响应头未暴露软件版本号",
            disclosed,
        ),
        CheckResult(
            "mixed_content",
            "混合内容",
            CheckStatus.FAIL if mixed else (CheckStatus.PASS if https else CheckStatus.SKIP),
            Risk.MEDIUM,
            "HTTPS 首页引用了 HTTP 资源" if mixed else ("未发现混合内容" if https else "网站未使用 HTTPS"),
            mixed,
        ),
    ]


# --- the scan --------------------------------------------------------------------------------------------


class _ScanCrawler(crawling.Crawler):
    """The inspection crawler, whose HTTPS connections also trust the certificates of `ca_file`."""

    def __init__(self, *args, ca_file: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ca_file = ca_file

    def session(self) -> aiohttp.ClientSession:
        options = self.options
        timeout = aiohttp.ClientTimeout(total=options.timeout, sock_connect=options.connect_timeout)
        connector = aiohttp.TCPConnector(
            limit=options.concurrency, ssl=verified_context(self.ca_file), resolver=crawling._Resolver()
        )
        headers = {"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"}
        return aiohttp.ClientSession(
            connector=connector, timeout=timeout, headers=headers, cookie_jar=aiohttp.DummyCookieJar()
        )


def _problems(code: str, label: str, items: list[dict] | None, risk: str, fine: str) -> CheckResult:
    if items is None:
        return CheckResult(code, label, CheckStatus.SKIP, risk, "管理后台专用域名，不检查")
    if not items:
        return CheckResult(code, label, CheckStatus.PASS, risk, fine)
    return CheckResult(
        code,
        label,
        CheckStatus.FAIL,
        risk,
        f"发现 {len(items)} 处",
        [f"{i['evidence']}（{i['url']}）" for i in items],
    )


@dataclass
class Scan:
    url: str
    checks: list[CheckResult]
    exposed: list[dict] | None  # the problems the exposure alert takes; None when the site did not answer


async def _scan(url: str, now: datetime, timeout: float, ca_file: str | None) -> Scan:
    options = crawling.Options(rate=0, timeout=timeout, connect_timeout=timeout, concurrency=8, robots=False)
    crawler = _ScanCrawler(
        crawling.Site(url, now), options, page_checks=lambda page, site: [], ca_file=ca_file
    )
    async with crawler.session() as session:
        home = await crawler.fetch(session, crawler.start_url, read=True)
        crawler.crawl.start = home
        if home.status is None or home.status >= 400:
            reason = ERROR_TEXT.get(home.error, home.error) if home.status is None else f"HTTP {home.status}"
            checks = [CheckResult("reachable", "首页可访问", CheckStatus.FAIL, Risk.HIGH, reason)]
            failed = urlsplit(home.final_url or crawler.start_url)
            if home.error == "tls" and failed.scheme == "https":  # say what is wrong with the certificate
                facts = await asyncio.to_thread(
                    tls_facts, failed.hostname or "", failed.port or 443, timeout=timeout, ca_file=ca_file
                )
                checks += tls_checks(facts, now)
            return Scan(url, checks, None)
        final = urlsplit(home.final_url or crawler.start_url)
        https = final.scheme == "https"
        checks = [CheckResult("reachable", "首页可访问", CheckStatus.PASS, Risk.HIGH, f"HTTP {home.status}")]
        checks += header_checks(home.headers, https)
        page = build_page(home, is_homepage=True) if home.content_type in HTML_TYPES and home.body else None
        insecure = await probe_site(crawler, session)
        listings, logins = await exposure.listing_and_login(crawler, session, crawler.start_url)
    plain = [f.evidence for f in insecure if not f.target]
    if urlsplit(crawler.start_url).scheme == "https":
        checks.append(CheckResult("https", "HTTPS 访问", CheckStatus.PASS, Risk.MEDIUM, "网站使用 HTTPS"))
    else:
        checks.append(
            CheckResult(
                "https",
                "HTTPS 访问",
                CheckStatus.FAIL if plain else CheckStatus.PASS,
                Risk.MEDIUM,
                "；".join(plain) if plain else "HTTP 访问已重定向到 HTTPS",
            )
        )
    if https:
        port = final.port or 443
        facts = await asyncio.to_thread(
            tls_facts, final.hostname or "", port, timeout=timeout, ca_file=ca_file
        )
        checks += tls_checks(facts, now)
    else:
        checks.append(CheckResult("tls", TLS_LABEL, CheckStatus.SKIP, Risk.HIGH, "网站未使用 HTTPS"))
    files = exposure.exposed_files(insecure)
    checks.append(_problems("exposed_files", "敏感文件暴露", files, Risk.HIGH, "未发现可公开访问的敏感文件"))
    checks.append(_problems("directory_listing", "目录浏览", listings, Risk.HIGH, "未发现开放目录浏览"))
    checks.append(_problems("admin_login", "公众域名上的管理后台", logins, Risk.HIGH, "未发现管理后台登录页"))
    checks += version_checks(home.headers, page)
    checks += page_checks(page, now)
    return Scan(url, checks, files + listings + (logins or []))


def scan(url: str, now: datetime, *, timeout: float = 15.0, ca_file: str | None = None) -> Scan:
    """Scan the site at `url` (runs its own event loop)."""
    return asyncio.run(_scan(url, now, timeout, ca_file))


def counts(checks: list[dict]) -> dict[str, int]:
    found = {status: 0 for status in CheckStatus.values}
    for check in checks:
        found[check["status"]] = found.get(check["status"], 0) + 1
    found["high"] = sum(1 for c in checks if c["status"] == CheckStatus.FAIL and c.get("risk") == Risk.HIGH)
    return found
