import json
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from huimin.core.commands import progress_bar
from huimin.demo.builder import build_demo, load_spec, planned_article_count
from huimin.pagecache.services import purge_all


class Command(BaseCommand):
    help = "构建演示网站群（市政府门户、县区和部门网站、栏目、文章、各角色用户）。可重复运行，不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT", "8000")),
            help="演示站点对外的端口（默认 8000，或环境变量 PORT）",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出站点和账号")

    def handle(self, *args, port, json: bool, **options):
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("演示数据不能装入生产环境（当前为 production 设置）。")
        if not 1 <= port <= 65535:
            raise CommandError(f"端口 {port} 无效，应在 1–65535 之间。")
        total = planned_article_count(load_spec())
        # Every page published would log a line; the progress bar says enough.
        with progress_bar(
            "装入演示数据", total=total, hidden=json, quiet=("wagtail", "huimin.pagecache")
        ) as (progress, bar):
            result = build_demo(port=port, advance=lambda n: progress.advance(bar, n))
        purge_all(reason="演示数据已装入")  # pages kept from an earlier database must not be served
        if json:
            self.stdout.write(_as_json(result))
            return
        self.stdout.write(
            f"演示数据已就绪：新建文章 {result.articles_created} 篇，演示留言 {result.letters_created} 条，"
            f"依申请公开 {result.disclosure_applications_created} 件。"
        )
        self.stdout.write("站点：")
        for name, url in result.sites:
            self.stdout.write(f"  {name:<12} {url}")
        admin_url = f"{result.sites[0][1]}admin/"
        self.stdout.write(f"管理后台：{admin_url}")
        self.stdout.write(f"所有演示账号的密码：{result.password}")
        for credential in result.credentials:
            self.stdout.write(f"  {credential.username:<18} {credential.role:<8} {credential.site}")
        if result.second_factor_users:
            self.stdout.write(
                f"{'、'.join(result.second_factor_users)} 登录时还需两步验证：在身份验证器应用中添加密钥 "
                f"{result.second_factor_secret}（基于时间，6 位），输入应用显示的验证码。"
                "此密钥已公开，仅供演示。"
            )


def _as_json(result) -> str:
    return json.dumps(
        {
            "sites": [{"name": name, "url": url} for name, url in result.sites],
            "admin_url": f"{result.sites[0][1]}admin/",
            "password": result.password,
            "users": [c.__dict__ for c in result.credentials],
            "second_factor": {"secret": result.second_factor_secret, "users": result.second_factor_users},
            "articles_created": result.articles_created,
            "letters_created": result.letters_created,
            "disclosure_applications_created": result.disclosure_applications_created,
        },
        ensure_ascii=False,
        indent=2,
    )
