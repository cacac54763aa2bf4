"""`huimin inspect-probe`: probe every patrolled site's homepage once. Run it every hour (the national rule
counts at least 20 probes a day); the daily patrol reports `unreachable` when 3 % (warning) or 5 % (veto)
of the last week's probes failed."""

from django.core.management.base import BaseCommand

from huimin.inspection import services


class Command(BaseCommand):
    help = "可用性探测：访问每个巡查对象的首页一次（建议每小时运行）。"

    def handle(self, *args, **options):
        probes = services.probe()
        failed = [p for p in probes if not p.ok]
        self.stdout.write(f"探测 {len(probes)} 个网站，{len(failed)} 个无法访问。")
        for p in failed:
            self.stdout.write(f"  {p.target.name}（{p.target.url}）：{p.detail}")
