"""A generated government website for the inspection crawler benchmark, with planted broken links.

    .venv/bin/python bench/inspect/sitegen.py OUT_DIR [--pages 5000] [--seed 20261123]

`generate(root, pages, seed)` writes, deterministically for a seed, a static site of at least `pages`
HTML pages shaped like a Chinese municipal government portal (TRS-style paths such as
/zwdt/202511/t20251120_100001.html, the `<meta name="SiteName">` family of tags, a footer with the site
code and ICP record):

- a homepage linking every column and its latest articles;
- 20 columns, each a paginated list (index.html, index_1.html, …, 20 articles a list page);
- the articles: 5–15 KB of text each, linking the previous and next article, three related ones, an
  image, a stylesheet, a script and a PDF attachment (images and attachments from shared pools), with
  relative and absolute links mixed as generated portals write them;
- planted faults, at least 40 distinct broken targets on the homepage, list pages and articles: links to
  missing articles (404), missing images and attachments (404), and links under /dynamic/ that the
  benchmark's server answers with 500.

It returns a `Manifest`: the HTML pages, every URL a crawler should fetch, and for each planted broken
target (a path such as /zwdt/202401/t20240105_990001.html) the pages that link it. Nothing on the site
points off the host, so no crawler ever leaves loopback.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urljoin

SITE_NAME = "江宁市人民政府"
SITE_CODE = "3201150001"
ICP = "苏ICP备05012345号"
POLICE = "苏公网安备 32011502010123号"
PER_LIST_PAGE = 20
IMAGE_POOL = 1000
PDF_POOL = 500
ERROR_PREFIX = "/dynamic/"  # the server answers everything under it with 500
COLUMNS = [
    ("zwdt", "政务动态"),
    ("tzgg", "通知公告"),
    ("zcwj", "政策文件"),
    ("zcjd", "政策解读"),
    ("rsxx", "人事信息"),
    ("czxx", "财政信息"),
    ("ghjh", "规划计划"),
    ("tjsj", "统计数据"),
    ("yjgl", "应急管理"),
    ("msbz", "民生保障"),
    ("jyws", "教育卫生"),
    ("zfbz", "住房保障"),
    ("sthj", "生态环境"),
    ("jtcx", "交通出行"),
    ("yshj", "营商环境"),
    ("xczx", "乡村振兴"),
    ("ggzy", "公共资源交易"),
    ("jyta", "建议提案办理"),
    ("xxgk", "政府信息公开年报"),
    ("bmdt", "部门动态"),
]
SUBJECTS = [
    "市政府常务会议",
    "优化营商环境工作推进会",
    "城乡居民基本医疗保险参保缴费",
    "老旧小区改造项目",
    "安全生产大检查",
    "高标准农田建设",
    "中小学校舍安全工程",
    "公共资源交易平台升级",
    "防汛抗旱工作部署",
    "人才引进专项计划",
    "生态环境保护督察整改",
    "政务服务“一网通办”",
    "重点项目集中开工",
    "社区养老服务中心建设",
    "冬季供暖保障工作",
    "稳就业促创业政策",
    "食品安全专项整治",
    "文明城市创建工作",
    "农村人居环境整治",
    "财政预算执行情况",
]
KINDS = ["关于", "关于做好", "关于进一步加强", "关于印发", "关于开展"]
ENDINGS = ["的通知", "的公告", "的实施意见", "工作方案", "情况的报告", "的通报", "有关事项的说明"]
SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署，进一步提升政务服务水平，结合本市实际，制定本方案。",
    "各区人民政府、市政府各部门要高度重视，切实加强组织领导，明确责任分工，确保各项任务落到实处。",
    "会议听取了相关部门关于当前工作进展情况的汇报，研究部署了下一阶段重点工作。",
    "坚持以人民为中心的发展思想，着力解决群众急难愁盼问题，不断增强人民群众的获得感、幸福感、安全感。",
    "市财政局会同有关部门对专项资金使用情况开展了绩效评价，评价结果将作为后续预算安排的重要依据。",
    "本通知自印发之日起施行，有效期五年。此前有关规定与本通知不一致的，以本通知为准。",
    "请各单位于每季度结束后十个工作日内，将工作推进情况书面报送市政府办公室。",
    "进一步深化“放管服”改革，全面推行证明事项告知承诺制，压减审批时限，提高办事效率。",
    "加快推进数字政府建设，推动政务数据共享，实现更多事项“网上办、掌上办、就近办、一次办”。",
    "强化安全生产责任落实，严格落实企业主体责任和部门监管责任，坚决遏制重特大事故发生。",
    "统筹推进城乡一体化发展，加大基础设施投入，持续改善农村人居环境，建设宜居宜业和美乡村。",
    "各地要建立健全常态化监测帮扶机制，做到早发现、早干预、早帮扶，守住不发生规模性返贫底线。",
    "积极稳妥推进保障性住房建设，多渠道解决新市民、青年人等群体住房困难问题。",
    "严格执行中央八项规定及其实施细则精神，厉行节约，反对浪费，坚决防止形式主义、官僚主义。",
    "充分发挥政府网站和政务新媒体作用，及时准确发布权威信息，积极回应社会关切。",
    "对工作中发现的问题，要建立台账，明确整改时限和责任人，实行销号管理，确保整改到位。",
    "本市将持续加大对中小微企业的支持力度，落实减税降费政策，帮助企业纾困解难、轻装前行。",
    "深入开展污染防治攻坚战，持续改善空气质量，加强重点流域水环境治理和土壤污染风险管控。",
    "全面落实教育优先发展战略，推进义务教育优质均衡发展，扩大普惠性学前教育资源供给。",
    "健全多层次医疗保障体系，稳步提高城乡居民医保财政补助标准，减轻群众就医负担。",
    "广泛听取社会各界意见建议，对合理化建议予以采纳，并在规定时限内向社会公开采纳情况。",
    "联系电话：025-52345678，联系地址：江宁市政务服务中心三楼，邮政编码：211100。",
    "项目总投资约12.6亿元，计划于年内完成主体工程建设，建成后将有效缓解周边交通压力。",
    "截至目前，全市已累计完成固定资产投资同比增长6.8%，规模以上工业增加值同比增长7.2%。",
    "各部门要严格按照政府信息公开条例的规定，做好主动公开和依申请公开工作，保障公众知情权。",
    "此次检查共发现各类隐患问题126处，已当场整改98处，其余问题均已明确整改措施和时限。",
]
STYLE = """body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f5f5f5}
.header{background:#b40000 url(/images/common/header_bg.png) no-repeat;height:120px}
.nav ul{list-style:none;margin:0;padding:0;background:#c8161d}.nav li{display:inline-block}
.nav a{color:#fff;padding:0 14px;line-height:42px}.main{width:1200px;margin:0 auto;background:#fff}
.list li{border-bottom:1px dashed #ddd;line-height:36px}.list span{float:right;color:#999}
.article h1{text-align:center;font-size:24px;color:#b40000}.footer{background:#8a0000;color:#eee}
"""
SCRIPT = """(function(){var d=document;function size(n){d.querySelector('.article-body').style.fontSize=
n+'px';}window.setFontSize=size;})();
"""
PDF_BODY = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0>>endobj\n"


@dataclass
class Manifest:
    """What the generated site holds and what a perfect crawler must find."""

    pages: list[str] = field(default_factory=list)  # HTML page paths
    files: list[str] = field(default_factory=list)  # images, attachments, stylesheet, script
    broken: dict[str, list[str]] = field(default_factory=dict)  # target path -> linking page paths
    error_targets: list[str] = field(default_factory=list)  # broken targets answering 500
    followed_links: int = 0  # distinct targets of <a> links (pages, attachments, broken pages)
    bytes_html: int = 0

    def as_json(self) -> dict:
        return {
            "pages": len(self.pages),
            "files": len(self.files),
            "followed_links": self.followed_links,
            "html_megabytes": round(self.bytes_html / 1e6, 1),
            "broken": self.broken,
            "error_targets": self.error_targets,
        }


@dataclass
class Article:
    column: str
    index: int  # position in the column, newest first
    ident: int
    day: date
    title: str
    image: str = ""
    attachment: str = ""
    related: list[int] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/{self.column}/{self.day:%Y%m}/t{self.day:%Y%m%d}_{self.ident}.html"


def _title(rng: random.Random) -> str:
    return f"{rng.choice(KINDS)}{rng.choice(SUBJECTS)}{rng.choice(ENDINGS)}"


def _paragraphs(rng: random.Random, low: int, high: int) -> list[str]:
    out = []
    for _ in range(rng.randint(low, high)):
        out.append("".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 5))))
    return out


def _list_path(column: str, number: int) -> str:
    return f"/{column}/" if number == 0 else f"/{column}/index_{number}.html"


class _Builder:
    def __init__(self, root: Path, pages: int, seed: int):
        self.root, self.rng = root, random.Random(seed)  # noqa: S311 - a reproducible site, not secrets
        # Per column: its list pages plus its articles; all columns alike; then the homepage and two more.
        per_column = math.ceil(max(pages - 3, 20) / len(COLUMNS))
        self.articles_per_column = per_column - math.ceil(per_column / (PER_LIST_PAGE + 1))
        self.lists_per_column = math.ceil(self.articles_per_column / PER_LIST_PAGE)
        self.manifest = Manifest()
        self.columns: dict[str, list[Article]] = {}
        self.faults: dict[str, list[tuple[str, str]]] = {}  # page path -> [(kind, target)]
        self.next_missing = 990001

    # --- content -----------------------------------------------------------------------------------

    def plan(self) -> None:
        rng, ident = self.rng, 100001
        newest = date(2025, 11, 20)
        for code, _name in COLUMNS:
            day, items = newest - timedelta(days=rng.randint(0, 3)), []
            for index in range(self.articles_per_column):
                article = Article(code, index, ident, day, _title(rng))
                article.image = f"/images/{2025 - index // 120}/W0{rng.randrange(IMAGE_POOL):04d}.jpg"
                article.attachment = f"/attachments/P0{rng.randrange(PDF_POOL):04d}.pdf"
                items.append(article)
                ident += 1
                day -= timedelta(days=rng.choice((0, 1, 1, 2, 3)))
            for article in items:
                others = [i for i in range(len(items)) if abs(i - article.index) > 1]
                article.related = rng.sample(others, 3)
            self.columns[code] = items
        self._plant_faults()

    def _missing_page(self, column: str) -> str:
        self.next_missing += 1
        return f"/{column}/202401/t20240105_{self.next_missing}.html"

    def _plant_faults(self) -> None:
        """At least 40 distinct broken targets: missing pages, images, attachments, and 500s."""
        rng = self.rng
        codes = [code for code, _ in COLUMNS]

        def plant(page: str, kind: str, target: str) -> None:
            self.faults.setdefault(page, []).append((kind, target))
            if target.startswith(ERROR_PREFIX) and target not in self.manifest.error_targets:
                self.manifest.error_targets.append(target)
            linking = self.manifest.broken.setdefault(target, [])
            if page not in linking:
                linking.append(page)

        plant("/", "a", self._missing_page("zwdt"))
        plant("/", "img", "/images/banner/zt_banner_2024.jpg")
        plant("/", "a", f"{ERROR_PREFIX}search.jsp")
        for number, code in enumerate(rng.sample(codes, 12)):
            page = _list_path(code, rng.randrange(self.lists_per_column))
            kind = ("a", "img", "a")[number % 3]
            if kind == "img":
                plant(page, "img", f"/images/{code}/column_banner.png")
            elif number == 11:
                plant(page, "a", f"{ERROR_PREFIX}{code}/subscribe.do")
            else:
                plant(page, "a", self._missing_page(code))
        victims = rng.sample([a for items in self.columns.values() for a in items], 40)
        shared_pdf = "/attachments/P0_2023_budget.pdf"
        shared_page = self._missing_page("zcwj")
        for number, article in enumerate(victims):
            if number < 3:
                plant(article.path, "a", shared_pdf)  # one missing attachment linked from three articles
            elif number < 5:
                plant(article.path, "a", shared_page)  # one missing policy linked from two articles
            elif number % 6 == 0:
                plant(article.path, "img", f"/images/2025/W0{article.ident}.jpg")
            elif number % 6 == 1:
                plant(article.path, "a", f"/attachments/P0{article.ident}.pdf")
            elif number % 9 == 2:
                plant(article.path, "a", f"{ERROR_PREFIX}survey_{article.ident}.jsp")
            else:
                plant(article.path, "a", self._missing_page(article.column))

    # --- HTML --------------------------------------------------------------------------------------

    def _head(self, title: str, column: str, column_type: str, extra: str = "") -> str:
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
            f"<title>{title}_{SITE_NAME}</title>\n"
            f'<meta name="SiteName" content="{SITE_NAME}">\n'
            '<meta name="SiteDomain" content="www.jiangning.gov.cn">\n'
            f'<meta name="SiteIDCode" content="{SITE_CODE}">\n'
            f'<meta name="ColumnName" content="{column}">\n'
            f'<meta name="ColumnType" content="{column_type}">\n'
            f"{extra}"
            '<link rel="stylesheet" href="/static/css/main.css">\n'
            '<script src="/static/js/common.js"></script>\n</head>\n'
        )

    def _nav(self) -> str:
        items = "".join(f'<li><a href="/{code}/">{name}</a></li>' for code, name in COLUMNS)
        return (
            '<body>\n<div class="header"><a href="/"><img src="/images/common/logo.png" alt="'
            f'{SITE_NAME}"></a><div class="tools"><a href="/jiucuo/">我为政府网站找错</a> | '
            '<a href="/about/">关于本网</a></div></div>\n'
            f'<div class="nav"><ul><li><a href="/">首页</a></li>{items}</ul></div>\n<div class="main">\n'
        )

    def _footer(self) -> str:
        return (
            '</div>\n<div class="footer"><p><a href="/about/">关于本网</a> | <a href="/jiucuo/">网站纠错</a>'
            f" | 联系我们：025-52345678</p><p>主办单位：{SITE_NAME}办公室　承办单位：江宁市大数据管理局</p>"
            f"<p>网站标识码：{SITE_CODE}　<span>{ICP}</span>　<span>{POLICE}</span></p>"
            '<p><img src="/images/common/dzjg.png" alt="党政机关"></p></div>\n</body>\n</html>\n'
        )

    def _fault_html(self, page: str) -> str:
        parts = []
        for kind, target in self.faults.get(page, []):
            if kind == "img":
                parts.append(f'<p><img src="{target}" alt="专题图片"></p>')
            else:
                parts.append(f'<p>相关链接：<a href="{target}">{_title(self.rng)}</a></p>')
        return "\n".join(parts)

    def _write(self, path: str, text: str) -> None:
        target = self.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        target.write_bytes(data)
        self.manifest.pages.append(path)
        self.manifest.bytes_html += len(data)

    def homepage(self) -> None:
        blocks = []
        for code, name in COLUMNS:
            items = "".join(
                f'<li><a href="{a.path}" title="{a.title}">{a.title}</a><span>{a.day:%Y-%m-%d}</span></li>'
                for a in self.columns[code][:8]
            )
            blocks.append(
                f'<div class="block"><h2><a href="/{code}/">{name}</a><a class="more" href="/{code}/">更多'
                f'</a></h2><ul class="list">{items}</ul></div>'
            )
        body = "\n".join(blocks)
        self._write(
            "/",
            self._head("首页", "首页", "首页")
            + self._nav()
            + f'<div class="banner"><img src="/images/common/banner.jpg" alt="{SITE_NAME}"></div>\n'
            + self._fault_html("/")
            + body
            + self._footer(),
        )

    def list_pages(self, code: str, name: str) -> None:
        items_all = self.columns[code]
        for number in range(self.lists_per_column):
            path = _list_path(code, number)
            chunk = items_all[number * PER_LIST_PAGE : (number + 1) * PER_LIST_PAGE]
            rows = "".join(
                f'<li><a href="{self._rel(path, a.path)}" target="_blank" title="{a.title}">{a.title}</a>'
                f"<span>{a.day:%Y-%m-%d}</span></li>\n"
                for a in chunk
            )
            last = self.lists_per_column - 1
            pager = [f'<a href="{_list_path(code, 0)}">首页</a>']
            if number > 0:
                pager.append(f'<a href="{_list_path(code, number - 1)}">上一页</a>')
            for other in range(max(0, number - 4), min(last, number + 4) + 1):
                if other == number:
                    pager.append(f"<span>{other + 1}</span>")
                else:
                    pager.append(f'<a href="{_list_path(code, other)}">{other + 1}</a>')
            if number < last:
                pager.append(f'<a href="{_list_path(code, number + 1)}">下一页</a>')
            pager.append(f'<a href="{_list_path(code, last)}">尾页</a>')
            intro = "".join(f"<p>{p}</p>" for p in _paragraphs(self.rng, 1, 2))
            self._write(
                path,
                self._head(name, name, "列表页")
                + self._nav()
                + '<div class="crumb">当前位置：<a href="/">首页</a> &gt; '
                + f'<a href="/{code}/">{name}</a></div>\n'
                + f'<div class="intro">{intro}</div>\n'
                + self._fault_html(path)
                + f'<ul class="list">\n{rows}</ul>\n<div class="pager">{" ".join(pager)}'
                + f"<span>共{len(items_all)}条 第{number + 1}/{last + 1}页</span></div>\n"
                + self._footer(),
            )

    @staticmethod
    def _rel(page: str, target: str) -> str:
        """A relative link from a list page to an article (./202511/t….html), as portals write them."""
        base = page if page.endswith("/") else page.rsplit("/", 1)[0] + "/"
        return "./" + target[len(base) :] if target.startswith(base) else target

    def article_pages(self, code: str, name: str) -> None:
        items = self.columns[code]
        for article in items:
            related = "".join(
                f'<li><a href="{items[i].path}">{items[i].title}</a></li>' for i in article.related
            )
            nav = []
            if article.index > 0:
                before = items[article.index - 1]
                nav.append(f'<p>上一篇：<a href="{before.path}">{before.title}</a></p>')
            if article.index < len(items) - 1:
                after = items[article.index + 1]
                nav.append(f'<p>下一篇：<a href="{after.path}">{after.title}</a></p>')
            paragraphs = _paragraphs(self.rng, 4, 20)
            paragraphs.insert(1, f'<img src="{article.image}" alt="{article.title}">')
            body = "\n".join(p if p.startswith("<img") else f"<p>{p}</p>" for p in paragraphs)
            extra = (
                f'<meta name="ArticleTitle" content="{article.title}">\n'
                f'<meta name="PubDate" content="{article.day:%Y-%m-%d} 09:30">\n'
                f'<meta name="ContentSource" content="{SITE_NAME}办公室">\n'
            )
            attachment = "../.." + article.attachment  # relative, as generated portals write them
            assert urljoin(article.path, attachment) == article.attachment
            self._write(
                article.path,
                self._head(article.title, name, "内容页", extra)
                + self._nav()
                + f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="../">{name}</a></div>\n'
                + f'<div class="article"><h1>{article.title}</h1>\n'
                + f'<div class="info">发布时间：{article.day:%Y-%m-%d}　来源：{SITE_NAME}办公室　'
                + '字号：[<a href="javascript:setFontSize(16)">大</a>]</div>\n'
                + f'<div class="article-body">\n{body}\n</div>\n'
                + f'<p class="attach">附件：<a href="{attachment}">{article.title}.pdf</a></p>\n'
                + self._fault_html(article.path)
                + "".join(nav)
                + f'<div class="related"><h3>相关文章</h3><ul>{related}</ul></div></div>\n'
                + self._footer(),
            )

    def simple_page(self, path: str, title: str) -> None:
        body = "".join(f"<p>{p}</p>" for p in _paragraphs(self.rng, 3, 5))
        self._write(path, self._head(title, title, "单页") + self._nav() + body + self._footer())

    def files(self) -> None:
        rng, files = self.rng, {}
        files["/static/css/main.css"] = STYLE.encode()
        files["/static/js/common.js"] = SCRIPT.encode()
        for name in ("logo.png", "header_bg.png", "dzjg.png"):
            files[f"/images/common/{name}"] = b"\x89PNG\r\n\x1a\n" + rng.randbytes(1500)
        files["/images/common/banner.jpg"] = b"\xff\xd8\xff\xe0" + rng.randbytes(20000) + b"\xff\xd9"
        used_images = sorted({a.image for items in self.columns.values() for a in items})
        used_pdfs = sorted({a.attachment for items in self.columns.values() for a in items})
        for path in used_images:
            files[path] = b"\xff\xd8\xff\xe0" + rng.randbytes(rng.randint(3000, 9000)) + b"\xff\xd9"
        for path in used_pdfs:
            files[path] = (PDF_BODY + "%" + "0" * rng.randint(2000, 8000) + "\n%%EOF\n").encode()
        for path, data in files.items():
            target = self.root / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            self.manifest.files.append(path)
        broken_anchors = [t for t in self.manifest.broken if not t.endswith((".jpg", ".png"))]
        self.manifest.followed_links = len(self.manifest.pages) + len(used_pdfs) + len(broken_anchors)

    def build(self) -> Manifest:
        self.plan()
        self.homepage()
        for code, name in COLUMNS:
            self.list_pages(code, name)
            self.article_pages(code, name)
        self.simple_page("/jiucuo/", "我为政府网站找错")
        self.simple_page("/about/", "关于本网")
        self.files()
        existing = set(self.manifest.pages) | set(self.manifest.files)
        clash = [target for target in self.manifest.broken if target in existing]
        if clash:
            raise AssertionError(f"planted targets exist: {clash}")
        for linking in self.manifest.broken.values():
            linking.sort()
        self.manifest.broken = dict(sorted(self.manifest.broken.items()))
        return self.manifest


def generate(root: Path, pages: int = 5000, seed: int = 20261123) -> Manifest:
    """Write the site into `root` (an empty or new directory) and return its manifest."""
    root.mkdir(parents=True, exist_ok=True)
    return _Builder(root, pages, seed).build()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    manifest = generate(args.out, args.pages, args.seed)
    print(json.dumps(manifest.as_json(), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
