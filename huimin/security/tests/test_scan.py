"""The scheduled security scan against real servers on loopback: security headers, exposed files, directory
listings, known-bad versions in generator tags, headers and script names; TLS over HTTPS with a self-signed
certificate made with the system's `openssl` (its protocol, whether it verifies, its days left, judged at
the `now` given); the results recorded per site with the change since the previous scan, on the command
line and in the admin."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from huimin.security import rules, scans
from huimin.security.enums import AlertKind, AlertState
from huimin.security.models import Alert, ScanResult

from .factories import Route, SiteServer, at, home_html, make_site, only_targets, site_admin

pytestmark = pytest.mark.django_db
T0 = at("2030-03-04 03:00")
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
OLD_HEAD = (
    "<meta name='generator' content='WordPress 4.9.8'>"
    "<script src='/wp-includes/js/jquery/jquery-1.12.4.min.js'></script>"
    "<script src='/static/app.js'></script>"
)
WEAK_HEADERS = {"Server": "Apache/2.4.29 (Ubuntu)", "X-Powered-By": "PHP/5.6.40"}
GOOD_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
LISTING = "<html><head><title>Directory listing for /files/</title></head><body><ul></ul></body></html>"


def _weak_routes() -> dict:
    return {
        "/": Route(home_html("扫描测试局", extra=OLD_HEAD), headers=WEAK_HEADERS),
        "/.git/config": Route(
            "[core]\n\trepositoryformatversion = 0\n", headers={"Content-Type": "text/plain"}
        ),
        "/files/": Route(LISTING),
    }


def _by_code(checks) -> dict:
    return {
        c["code"] if isinstance(c, dict) else c.code: c if isinstance(c, dict) else c.as_json()
        for c in checks
    }


@pytest.fixture
def weak():
    server = SiteServer(_weak_routes())
    yield server
    server.close()


def test_a_scan_finds_missing_headers_exposures_and_known_bad_versions(weak):
    result = scans.scan(weak.url, T0, timeout=3)
    checks = _by_code(result.checks)
    assert checks["reachable"]["status"] == "pass"
    assert {checks[c]["status"] for c in ("csp", "nosniff", "frame", "referrer")} == {"fail"}
    assert checks["hsts"]["status"] == "skip" and checks["tls"]["status"] == "skip"
    assert checks["https"]["status"] == "fail" and "网站未提供 HTTPS 访问" in checks["https"]["detail"]
    assert (
        checks["exposed_files"]["status"] == "fail" and "/.git/config" in checks["exposed_files"]["items"][0]
    )
    assert (
        checks["directory_listing"]["status"] == "fail"
        and "/files/" in checks["directory_listing"]["items"][0]
    )
    assert checks["admin_login"]["status"] == "skip"  # 127.0.0.1 is an admin host
    bad = checks["known_bad"]
    assert bad["status"] == "fail" and bad["risk"] == "high"
    assert {item.split("（")[0] for item in bad["items"]} == {
        "WordPress 4.9.8",
        "jQuery 1.12.4",
        "Apache 2.4.29",
        "PHP 5.6.40",
    }
    assert any("CVE-2020-11022" in item for item in bad["items"])
    assert checks["version_disclosure"]["status"] == "warn"
    assert checks["mixed_content"]["status"] == "skip"
    assert {p["evidence"] for p in result.exposed} == {
        "敏感文件可被公开访问：/.git/config",
        "开放了目录浏览：/files/",
    }


def test_a_well_kept_site_passes():
    server = SiteServer({"/": Route(home_html("规范网站"), headers=GOOD_HEADERS)})
    try:
        checks = _by_code(scans.scan(server.url, T0, timeout=3).checks)
    finally:
        server.close()
    for code in ("csp", "nosniff", "frame", "referrer", "exposed_files", "directory_listing", "known_bad"):
        assert checks[code]["status"] == "pass", code
    assert checks["frame"]["detail"] == "已设置：Content-Security-Policy 中的 frame-ancestors"


def test_an_unreachable_site_is_one_failed_check():
    result = scans.scan("http://127.0.0.1:9/", T0, timeout=2)
    assert [(c.code, c.status, c.detail) for c in result.checks] == [("reachable", "fail", "无法连接")]
    assert result.exposed is None


@pytest.mark.parametrize(
    ("server", "version", "bad"),
    [("nginx/1.18.0", "1.18.0", True), ("nginx/1.26.2", "1.26.2", False), ("Microsoft-IIS/7.5", "7.5", True)],
)
def test_server_versions_are_compared_with_the_known_bad_list(server, version, bad):
    (known, *_rest) = scans.version_checks({"server": server}, None)
    assert (known.status == "fail") is bad and version in (known.items[0] if bad else known.detail)


def test_versions_are_compared_as_numbers():
    assert rules.version_tuple("2.4.9") < rules.version_tuple("2.4.54") < rules.version_tuple("2.10")
    assert rules.version_tuple("1.2b3") == (1,) and rules.version_tuple("") == ()


def test_the_command_records_each_site_and_the_admin_shows_the_change(
    weak, client, django_capture_on_commit_callbacks
):
    site = make_site("scan-a.localhost", weak, name="扫描测试网站")
    admin = site_admin(site, "scan-a-admin")
    (target,) = only_targets(site)
    out = StringIO()
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("security-scan", "--site", "scan-a.localhost", "--timeout", "3", "--json", stdout=out)
    (row,) = json.loads(out.getvalue())["scans"]
    assert row["site"] == target.url and row["failed"] >= 7
    first = ScanResult.objects.get(target=target)
    assert first.at == T0 and first.site == site and first.failed == row["failed"]
    assert "公众访问的域名上开放了管理后台登录页" not in json.dumps(first.checks, ensure_ascii=False)
    (alert,) = Alert.objects.filter(target=target, kind=AlertKind.EXPOSED)  # the scan feeds the alert
    assert alert.state == AlertState.OPEN and len(alert.evidence) == 2

    weak.routes.clear()
    weak.routes.update({"/": Route(home_html("扫描测试局"), headers=GOOD_HEADERS)})
    out = StringIO()
    with (
        time_machine.travel(T0 + timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("security-scan", "--site", "scan-a.localhost", "--timeout", "3", stdout=out)
    assert "共扫描 1 个网站" in out.getvalue()
    second = ScanResult.objects.filter(target=target).latest("at")
    assert second.failed < first.failed
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED

    client.force_login(admin)
    page = client.get(reverse("security_scans"), **HOST).content.decode()
    assert "扫描测试网站" in page and "改善" in page
    history = client.get(reverse("security_scan_history", args=[target.pk]), **HOST).content.decode()
    assert "已消除：敏感文件可被公开访问：/.git/config" in history and "首次扫描" in history
    detail = client.get(reverse("security_scan", args=[first.pk]), **HOST).content.decode()
    assert "已知漏洞版本" in detail and "WordPress 4.9.8" in detail and "不通过" in detail


def test_the_scan_task_scans_the_targets_named(weak):
    from huimin.security.tasks import scan_task

    site = make_site("scan-t.localhost", weak, name="任务扫描网站")
    (target,) = only_targets(site)
    with time_machine.travel(T0, tick=True):
        result = scan_task.enqueue([target.pk])
    assert result.return_value == 1 and ScanResult.objects.filter(target=target).count() == 1


def test_another_sites_admin_gets_404_for_the_scans(weak, client):
    site = make_site("scan-b.localhost", weak, name="扫描乙网站")
    other = make_site("scan-c.localhost", port=8093, name="扫描丙网站")
    (target, _other_target) = only_targets(site, other)
    saved = ScanResult.objects.create(target=target, site=site, at=T0, url=target.url, checks=[], counts={})
    client.force_login(site_admin(other, "scan-c-admin"))
    assert client.get(reverse("security_scan_history", args=[target.pk]), **HOST).status_code == 404
    assert client.get(reverse("security_scan", args=[saved.pk]), **HOST).status_code == 404
    assert "扫描乙网站" not in client.get(reverse("security_scans"), **HOST).content.decode()


def test_the_command_refuses_bad_options_in_chinese():
    with pytest.raises(CommandError, match=r"站点“nowhere\.example”不存在"):
        call_command("security-scan", "--site", "nowhere.example")
    with pytest.raises(CommandError, match="--timeout 应在 1 到 120 秒之间"):
        call_command("security-scan", "--timeout", "0")
    with pytest.raises(CommandError, match="根证书文件"):
        call_command("security-scan", "--ca-file", "/nonexistent/ca.pem")


# --- TLS -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a certificate with")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "10", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def https_server(certificate):
    cert, key = certificate
    server = SiteServer(
        {
            "/": Route(
                home_html("加密网站"),
                headers={**GOOD_HEADERS, "Strict-Transport-Security": "max-age=31536000"},
            )
        }
    )
    server.server.shutdown()  # serve the same routes again, over TLS
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
    threading.Thread(target=server.server.serve_forever, daemon=True).start()
    server.url = server.url.replace("http://", "https://")
    yield server
    server.close()


def test_the_certificate_expiry_is_read_from_the_der_bytes(certificate):
    cert, _key = certificate
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    expiry = scans.certificate_expiry(der)
    said = subprocess.run(
        ["openssl", "x509", "-enddate", "-noout", "-in", str(cert)], capture_output=True, text=True
    )
    assert expiry is not None and expiry.strftime("%b %e %H:%M:%S %Y GMT").replace(
        "  ", " "
    ) in said.stdout.replace("  ", " ")
    assert scans.certificate_expiry(b"\x30\x03junk") is None


def test_tls_with_a_trusted_certificate_near_its_end(https_server, certificate):
    cert, _key = certificate
    checks = _by_code(
        scans.scan(https_server.url, T0.replace(year=2000), timeout=3, ca_file=str(cert)).checks
    )
    assert checks["reachable"]["status"] == "pass" and checks["hsts"]["status"] == "pass"
    assert checks["tls"]["status"] == "pass" and checks["tls"]["detail"].startswith("协议版本 TLSv1.")
    assert checks["https"]["status"] == "pass"
    facts = scans.tls_facts(
        "127.0.0.1", int(https_server.url.rsplit(":", 1)[1].strip("/")), ca_file=str(cert)
    )
    assert facts.verified and facts.version in ("TLSv1.2", "TLSv1.3")
    near = facts.not_after - timedelta(days=5)
    (_tls, certificate_check) = scans.tls_checks(facts, near)
    assert certificate_check.status == "warn" and certificate_check.detail == "证书将在 5 天后过期"
    (_tls, certificate_check) = scans.tls_checks(facts, facts.not_after + timedelta(days=1))
    assert certificate_check.status == "fail" and certificate_check.detail == "证书已过期"


def test_tls_with_an_untrusted_certificate_still_reads_its_protocol_and_date(https_server):
    result = scans.scan(https_server.url, T0.replace(year=2000), timeout=3)
    checks = _by_code(result.checks)
    assert checks["reachable"]["status"] == "fail" and checks["reachable"]["detail"] == "证书或加密连接错误"
    assert checks["certificate"]["status"] == "fail" and checks["certificate"]["detail"].startswith(
        "证书无法验证"
    )
    assert "剩余" in checks["certificate"]["detail"] and checks["tls"]["status"] == "pass"
