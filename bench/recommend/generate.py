"""Bench items for 为您推荐: policies in the portal's library, published through the importers' bulk path
(`huimin.policies.services.create_policies`), so each is tagged and indexed the way a real one is
(publishing signals, `content_tags`, the item index task).

Their classification is skewed the way real libraries are (a few topics and industries carry most
documents); a share of titles names a group of people (老年人, 高校毕业生 …), which gives them a 人群 tag.
Deterministic for a seed. Needs the demo (`huimin loaddemo`): its library, units and vocabularies.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

BATCH = 100
KINDS = ("通知", "实施意见", "工作方案", "管理办法", "若干措施")
GROUP_WORDS = ("老年人", "高校毕业生", "退役军人", "残疾人", "农民工", "创业", "中小学")


def _zipf(count: int, exponent: float = 0.9) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(count)]


def portal():
    """The portal: the site of the library gathering the group's policies (the demo has no default site)."""
    from wagtail.models import Page, Site

    from huimin.policies.models import PolicyLibraryPage

    library = PolicyLibraryPage.objects.filter(aggregate_group=True).first()
    if library is None:
        raise SystemExit("no group policy library: run `huimin loaddemo` first")
    return Site.objects.get(root_page__in=Page.objects.ancestor_of(library))


def generate(count: int, *, seed: int, now: datetime, log: Callable[[str], None] = print) -> int:
    """Publish `count` policies in the portal's library; returns how many were made."""
    from huimin.policies.models import Industry, PolicyLibraryPage, PolicyTopic, ServiceObject
    from huimin.policies.services import PolicyData, create_policies
    from huimin.sites.models import OrgUnit, SiteIdentity

    rng = random.Random(seed)  # noqa: S311 - bench data, not security
    site = portal()
    library = PolicyLibraryPage.objects.descendant_of(site.root_page).live().first()
    if library is None:
        raise SystemExit("no policy library on the portal: run `huimin loaddemo` first")
    unit = SiteIdentity.objects.get(site=site).org_unit
    issuers = [unit, *OrgUnit.objects.filter(parent=unit)]
    topics = list(PolicyTopic.objects.order_by("sort_order", "pk"))
    industries = list(Industry.objects.order_by("sort_order", "pk"))
    objects = list(ServiceObject.objects.order_by("sort_order", "pk"))
    rng.shuffle(topics)
    rng.shuffle(industries)
    rng.shuffle(objects)
    topic_weights, industry_weights, object_weights = (
        _zipf(len(topics)),
        _zipf(len(industries)),
        _zipf(len(objects)),
    )
    made = 0
    for start in range(0, count, BATCH):
        batch = []
        for number in range(start, min(start + BATCH, count)):
            topic = rng.choices(topics, topic_weights)[0]
            chosen_industries = set(rng.choices(industries, industry_weights, k=rng.randint(1, 3)))
            chosen_objects = set(rng.choices(objects, object_weights, k=rng.randint(1, 2)))
            group = rng.choice(GROUP_WORDS) if rng.random() < 0.3 else ""
            subject = f"{group}{topic.name.split('、')[0]}" if group else topic.name.split("、")[0]
            title = f"宿迁市关于支持{subject}工作的{rng.choice(KINDS)}（{number + 1}）"
            batch.append(
                PolicyData(
                    title=title,
                    index_number=f"BENCH-REC/{number + 1:06d}",
                    body=f"<p>为做好{subject}工作，结合本市实际，制定本文件。</p>",
                    summary=f"{subject}方面的政策措施。",
                    pub_date=now - timedelta(days=rng.uniform(1, 1500)),
                    issuer=rng.choice(issuers),
                    topic=topic,
                    industries=sorted(chosen_industries, key=lambda item: item.pk),
                    service_objects=sorted(chosen_objects, key=lambda item: item.pk),
                )
            )
        create_policies(library, batch)
        made += len(batch)
        if made % 500 == 0 or made == count:
            log(f"  {made:,}/{count:,} policies")
    return made
