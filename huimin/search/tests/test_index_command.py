"""`huimin search-reindex`: the whole group or one site, a summary line or JSON, a Chinese refusal for a
site that does not exist."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

from huimin.conftest import DEMO_NOW
from huimin.search.models import SearchDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_clock")]


def run(*args) -> str:
    out = StringIO()
    call_command("search-reindex", *args, stdout=out)
    return out.getvalue()


def test_the_json_output_counts_what_was_written_and_removed(demo):
    SearchDocument.objects.create(
        key="letter:99999999", kind="letter", title="已删除", url="/", indexed_at=DEMO_NOW
    )
    result = json.loads(run("--json"))
    assert result["site"] is None
    assert result["removed"] == 1
    assert result["indexed"] == SearchDocument.objects.count()
    assert sum(result["kinds"].values()) == result["indexed"]
    assert set(result["kinds"]) >= {
        "article",
        "policy",
        "interpretation",
        "guide",
        "topic",
        "dataset",
        "letter",
    }
    assert isinstance(result["seconds"], float | int)


def test_one_site_is_rebuilt_by_its_hostname(demo):
    result = json.loads(run("--site", "JYJ.localhost", "--json"))
    site = Site.objects.get(hostname="jyj.localhost")
    assert result["site"] == "jyj.localhost"
    assert result["indexed"] == SearchDocument.objects.filter(site=site).count() > 0
    assert result["removed"] == 0


def test_the_summary_line_says_what_was_done(demo):
    output = run("--site", "slj.localhost")
    assert "搜索索引已重建（站点 slj.localhost）：写入" in output and "删除 0 条" in output and "秒" in output
    assert "网民留言：" in output


def test_an_unknown_site_is_refused_in_chinese_with_the_sites_there_are(demo):
    with pytest.raises(CommandError) as refused:
        run("--site", "nope.localhost")
    assert "站点“nope.localhost”不存在" in str(refused.value)
    assert "shuyang.localhost" in str(refused.value)
