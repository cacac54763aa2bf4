"""Demo content of 安全预警: an alert of each kind on the department and county sites (one waiting and
escalated, one in hand, one resolved, one fresh), two security scans per site showing what changed, and the
register of 应急演练 and 渗透测试 for the last four quarters with two quarters left empty, so the list and
the 工作台 warn of them.

Everything goes through `huimin.security.services` with times derived from `now`; no request leaves the
machine (the scans' results are written as a scan would have found them). Safe to run again: each record is
looked up first."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import Site

from huimin.inspection.models import Target
from huimin.inspection.services import sync_group_targets
from huimin.security import queries, services
from huimin.security.enums import AlertKind, CheckStatus, ExerciseKind, Risk
from huimin.security.models import Alert, Exercise, ScanResult
from huimin.security.scans import CheckResult, Scan
from huimin.sites.enums import Role
from huimin.sites.models import Membership

REPORT_PDF = b"%PDF-1.4\n% demo drill report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# (site key, year, quarter) left without a drill or a test: the register warns of them.
MISSING = {("slj", 2), ("jyj", 3)}
SCENARIOS = [
    {
        "kind": "drill",
        "title": "网站首页被篡改应急演练",
        "scope": "模拟首页被植入非法内容，检验发现、断网、恢复、报告的全流程。",
    },
    {
        "kind": "pentest",
        "title": "网站渗透测试",
        "scope": "对网站前台、管理后台和互动交流系统进行黑盒渗透测试。",
    },
    {
        "kind": "drill",
        "title": "服务器宕机应急演练",
        "scope": "模拟主服务器故障，检验切换备用服务器和数据恢复的时效。",
    },
    {
        "kind": "pentest",
        "title": "互动交流系统渗透测试",
        "scope": "对留言、依申请公开等表单进行注入、越权和上传漏洞测试。",
    },
]


def _site_admin(site: Site):
    member = Membership.objects.filter(site=site, role=Role.SITE_ADMIN).select_related("user").first()
    return member.user if member else None


def _quarters(now: datetime, count: int) -> list[tuple[int, int]]:
    year, quarter = queries.quarter_of(timezone.localdate(now))
    found = []
    for _ in range(count):
        year, quarter = queries.previous_quarter(year, quarter)
        found.append((year, quarter))
    return found


def _exercises(spec: dict, sites: dict, now: datetime, admin) -> int:
    created = 0
    for index, (year, quarter) in enumerate(_quarters(now, 4)):
        start, _end = queries.quarter_bounds(year, quarter)
        for number, site_spec in enumerate(spec["sites"]):
            if (site_spec["key"], quarter) in MISSING and year == timezone.localdate(now).year:
                continue
            site = sites[site_spec["key"]]
            scenario = SCENARIOS[(index + number) % len(SCENARIOS)]
            held_on = start + timedelta(days=40 + 3 * number)
            title = f"{year}年第{quarter}季度{scenario['title']}"
            if Exercise.objects.filter(site=site, title=title).exists():
                continue
            uploads = []
            if index == 0:
                uploads = [SimpleUploadedFile(f"{title}报告.pdf", REPORT_PDF, content_type="application/pdf")]
            services.record_exercise(
                services.ExerciseData(
                    site=site,
                    kind=scenario["kind"],
                    held_on=held_on,
                    title=title,
                    scope=scenario["scope"],
                    organiser="宿迁市大数据管理局"
                    if scenario["kind"] == ExerciseKind.DRILL
                    else "江苏某网络安全测评中心",
                    findings="发现 2 个中危问题：后台登录未限制失败次数；部分页面缺少安全响应头。",
                    fixes="已于两周内完成整改并复测通过。",
                    uploads=uploads,
                ),
                actor=_site_admin(site) or admin,
                now=datetime(held_on.year, held_on.month, held_on.day, 17, tzinfo=now.tzinfo)
                + timedelta(days=1),
            )
            created += 1
    return created


def _alert(
    target: Target, kind: AlertKind, problems: list[dict], at: datetime, detail: str = ""
) -> Alert | None:
    if Alert.objects.filter(target=target, kind=kind).exists():
        return None
    return services.observe(target, kind, problems, at, detail=detail)


def _alerts(sites: dict, now: datetime) -> int:
    created = 0
    targets = {key: Target.objects.get(site=site) for key, site in sites.items()}
    shuyang = targets["shuyang"]
    if _alert(
        shuyang,
        AlertKind.EXPOSED,
        [
            {
                "url": shuyang.url + "admin/login/?next=/admin/",
                "evidence": "公众访问的域名上开放了管理后台登录页：/admin/",
            },
            {"url": shuyang.url + "uploads/", "evidence": "开放了目录浏览：/uploads/"},
        ],
        now - timedelta(hours=3),
    ):
        created += 1
    sucheng = targets["sucheng"]
    alert = _alert(
        sucheng,
        AlertKind.UNREACHABLE,
        [{"url": sucheng.url, "evidence": "连续 2 次探测首页均无法访问"}],
        now - timedelta(minutes=50),
        "最近一次探测：无法连接",
    )
    if alert is not None:
        created += 1
        person = _site_admin(sucheng.site)
        if person is not None:
            services.acknowledge(
                alert, actor=person, now=now - timedelta(minutes=38), note="机房供电故障，已联系运营商抢修。"
            )
    slj = targets["slj"]
    alert = _alert(
        slj,
        AlertKind.DEFACED,
        [
            {
                "url": slj.url,
                "evidence": "首页可见文字与前一次探测的内容相比大幅变化（相似度 31%），期间本站没有发布页面",
            }
        ],
        now - timedelta(days=6),
        "首页现在显示：水利局防汛抗旱专题（测试版）……",
    )
    if alert is not None:
        created += 1
        person = _site_admin(slj.site)
        if person is not None:
            services.resolve(
                alert,
                actor=person,
                now=now - timedelta(days=6) + timedelta(hours=1),
                note="经核实为承建单位误将测试版专题首页部署到正式环境，已恢复原首页。",
            )
    jyj = targets["jyj"]
    if _alert(
        jyj,
        AlertKind.SLOW,
        [{"url": jyj.url, "evidence": "连续 2 次探测首页响应超过 5 秒"}],
        now - timedelta(minutes=20),
        "最近一次首页响应用时 7.4 秒",
    ):
        created += 1
    services.escalate_due(now)  # the exposure has waited three hours: escalated twice
    return created


def _checks(key: str, earlier: bool) -> list[CheckResult]:
    def ok(code, label, risk=Risk.MEDIUM, detail="已设置"):
        return CheckResult(code, label, CheckStatus.PASS, risk, detail)

    checks = [
        ok("reachable", "首页可访问", Risk.HIGH, "HTTP 200"),
        ok("csp", "内容安全策略（Content-Security-Policy）"),
        ok("nosniff", "禁止内容类型嗅探（X-Content-Type-Options）"),
        ok("frame", "防止页面被嵌入（X-Frame-Options 或 frame-ancestors）"),
        ok("referrer", "来源信息策略（Referrer-Policy）", Risk.LOW),
        CheckResult(
            "hsts",
            "强制安全连接（Strict-Transport-Security）",
            CheckStatus.SKIP,
            Risk.MEDIUM,
            "网站未使用 HTTPS",
        ),
        CheckResult("https", "HTTPS 访问", CheckStatus.FAIL, Risk.MEDIUM, "网站未提供 HTTPS 访问"),
        CheckResult("tls", "加密连接协议", CheckStatus.SKIP, Risk.HIGH, "网站未使用 HTTPS"),
        ok("exposed_files", "敏感文件暴露", Risk.HIGH, "未发现可公开访问的敏感文件"),
        ok("directory_listing", "目录浏览", Risk.HIGH, "未发现开放目录浏览"),
        ok("admin_login", "公众域名上的管理后台", Risk.HIGH, "未发现管理后台登录页"),
        ok("known_bad", "已知漏洞版本", Risk.HIGH, "未识别到软件版本"),
        ok("version_disclosure", "响应头暴露软件版本", Risk.LOW, "响应头未暴露软件版本号"),
        CheckResult("mixed_content", "混合内容", CheckStatus.SKIP, Risk.MEDIUM, "网站未使用 HTTPS"),
    ]
    by_code = {check.code: check for check in checks}
    if key == "portal":
        by_code["admin_login"].status, by_code["admin_login"].detail = (
            CheckStatus.SKIP,
            "管理后台专用域名，不检查",
        )
    if key == "shuyang":
        by_code["admin_login"].status, by_code["admin_login"].detail = CheckStatus.FAIL, "发现 1 处"
        by_code["admin_login"].items = ["公众访问的域名上开放了管理后台登录页：/admin/"]
        by_code["directory_listing"].status, by_code["directory_listing"].detail = (
            CheckStatus.FAIL,
            "发现 1 处",
        )
        by_code["directory_listing"].items = ["开放了目录浏览：/uploads/"]
    if key == "sucheng" and earlier:
        bad = by_code["known_bad"]
        bad.status, bad.detail = CheckStatus.FAIL, "发现 1 个存在已知漏洞的软件版本"
        bad.items = [
            "jQuery 1.12.4（低于 3.5.0）：jQuery 3.5.0 以前的版本存在跨站脚本漏洞"
            "（CVE-2020-11022、CVE-2020-11023）。"
        ]
    if key == "jyj":
        by_code["csp"].status, by_code["csp"].detail = CheckStatus.FAIL, "未设置"
        if earlier:
            by_code["exposed_files"].status, by_code["exposed_files"].detail = CheckStatus.FAIL, "发现 1 处"
            by_code["exposed_files"].items = ["敏感文件可被公开访问：/.git/config"]
    return checks


def _scans(sites: dict, now: datetime) -> int:
    created = 0
    for key, site in sites.items():
        target = Target.objects.get(site=site)
        for earlier, at in ((True, now - timedelta(days=1, hours=2)), (False, now - timedelta(hours=2))):
            if ScanResult.objects.filter(target=target, at=at).exists():
                continue
            services.record_scan(target, Scan(target.url, _checks(key, earlier), None), at)
            created += 1
    return created


def build_security_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo's alerts, scans and register entries; returns how many records were created."""
    sync_group_targets()
    sites = {s["key"]: Site.objects.get(hostname=s["hostname"]) for s in spec["sites"]}
    created = _exercises(spec, sites, now, admin)
    created += _alerts(sites, now)
    created += _scans(sites, now)
    return created
