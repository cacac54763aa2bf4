"""The demo imports both seed documents through the importer, each with a text and a chart interpretation."""

import pytest

from huimin.policies.enums import DocKind, InterpretationForm, Validity
from huimin.policies.models import PolicyPage
from huimin.sites.tests.html import soup

pytestmark = pytest.mark.django_db


def test_the_2022_seed_has_the_metadata_of_its_header(demo):
    policy = PolicyPage.objects.get(index_number="000000001/2022-00155")
    assert policy.doc_number == "宿政办发〔2022〕1号"
    assert policy.issuer.name == "宿迁市人民政府办公室"
    assert policy.validity == Validity.VALID
    assert policy.title == "市政府办公室关于印发2022年宿迁市政府网站工作要点的通知"
    assert policy.doc_kind == DocKind.NOTICE
    assert policy.pub_date.year == 2022 and policy.url_path.startswith("/127-0-0-1/zcwjk/")


def test_the_2023_seed_is_cleaned_and_its_title_inferred(demo):
    policy = PolicyPage.objects.get(title="2023年政府网站工作要点")
    assert policy.issuer.name == "宿迁市人民政府办公室"
    assert "第壹文秘" not in policy.body and "配套讲稿" not in policy.body
    assert "政府网站体系" in policy.body


@pytest.mark.parametrize("index", ["000000001/2022-00155", None])
def test_each_seed_has_a_text_and_a_chart_interpretation_linked_both_ways(client, demo, index):
    policy = (
        PolicyPage.objects.get(index_number=index)
        if index
        else PolicyPage.objects.get(title="2023年政府网站工作要点")
    )
    forms = sorted(policy.interpretations.live().values_list("form", flat=True))
    assert forms == sorted([InterpretationForm.TEXT, InterpretationForm.GRAPHIC])
    page = soup(client.get(policy.get_url_parts()[2], HTTP_HOST="127.0.0.1:8000").content)
    listed = page.find(class_="interpretations").get_text()
    chart = policy.interpretations.get(form=InterpretationForm.GRAPHIC)
    assert chart.title in listed
    chart_page = soup(client.get(chart.get_url_parts()[2], HTTP_HOST="127.0.0.1:8000").content)
    assert policy.title in chart_page.find(class_="linked-policies").get_text()
    assert chart_page.select_one("figure.graphic img")["alt"].startswith("图解：")
    assert "图解文字版" in chart_page.find(class_="text-alternative").get_text()
