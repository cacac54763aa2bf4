import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from huimin.sites.models import OrgUnit
from huimin.sites.services import IdentityData, create_site

IDENTITY_OPTIONS = {
    "site_name": "网站名称",
    "site_code": "网站标识码（10位，如 3213000001）",
    "domain": "正式域名，如 www.suqian.gov.cn",
    "sponsor": "主办单位",
    "organizer": "承办单位（可选）",
    "phone": "联系电话",
    "address": "联系地址",
    "email": "电子邮箱",
    "icp_number": "ICP备案编号，如 苏ICP备12345678号",
    "police_record_number": "公安机关备案号，如 苏公网安备32130202000001号",
    "conac_url": "党政机关网站标识链接",
}


class Command(BaseCommand):
    help = "在网站群中新建一个站点：首页、网站标识、素材库、各角色用户组和审核流程。"

    def add_arguments(self, parser):
        parser.add_argument("--hostname", required=True, help="本平台上的主机名，如 www.suqian.gov.cn")
        parser.add_argument("--port", type=int, default=80, help="对外端口（默认 80）")
        parser.add_argument("--org-unit", required=True, help="主管单位名称（须已存在于组织机构）")
        parser.add_argument("--keywords", required=True, help="首页关键词（ColumnKeywords），逗号分隔")
        parser.add_argument("--intro", default="", help="网站简介")
        for name, label in IDENTITY_OPTIONS.items():
            parser.add_argument(
                f"--{name.replace('_', '-')}", dest=name, required=name != "organizer", default="", help=label
            )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, hostname, port, org_unit, keywords, intro, json: bool, **options):
        unit = OrgUnit.objects.filter(name=org_unit).first()
        if unit is None:
            raise CommandError(f"组织机构“{org_unit}”不存在，请先在管理后台“网站群管理 → 组织机构”中添加。")
        identity = IdentityData(**{name: options[name].strip() for name in IDENTITY_OPTIONS})
        try:
            site = create_site(
                hostname=hostname.strip().lower(),
                port=port,
                org_unit=unit,
                identity=identity,
                home_title=identity.site_name,
                home_keywords=keywords,
                home_intro=intro,
            )
        except ValidationError as error:
            problems = [f"{field}: {'；'.join(messages)}" for field, messages in error.message_dict.items()]
            raise CommandError("站点未创建：\n  " + "\n  ".join(problems)) from None
        if json:
            self.stdout.write(
                _json(
                    {
                        "id": site.pk,
                        "hostname": site.hostname,
                        "url": site.root_url + "/",
                        "home_page_id": site.root_page_id,
                    }
                )
            )
        else:
            self.stdout.write(f"已创建站点 {identity.site_name}：{site.root_url}/")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)
