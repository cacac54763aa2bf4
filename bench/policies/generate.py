"""Bench data for the policy library: many policies under the demo's libraries, inserted in bulk.

Creating Wagtail pages one at a time (`add_child`, revisions, signals) costs ~20 ms a page, so this module
writes the rows directly: it lays out the treebeard materialised paths itself, bulk-creates the
`wagtailcore_page` rows, inserts the `PolicyPage` child rows with `executemany` (Django's `bulk_create`
refuses multi-table inheritance), adds the industry and service-object links and finally bumps each
library's `numchild`. Every batch is one transaction, so the page tree is consistent after each.

The text comes from the seed documents the demo ships (huimin/demo/data/seeds/*.txt); the classification
is skewed the way real libraries are (a few topics, kinds and recent years carry most documents).

Needs a migrated database with the demo loaded (`huimin migrate`, `huimin loaddemo`). Usable on its own:

    DATABASE_URL=... .venv/bin/python bench/policies/generate.py --policies 100000
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_YEAR = 2010
LAST_YEAR = 2026
BATCH = 5000
PORTAL_SHARE = 0.6
DEFAULT_SEED = 20261102
# Weights of the kinds of document a government publishes (通知 and 意见 dominate; 请示 and 议案 are rare).
KIND_WEIGHTS = {
    "通知": 34,
    "意见": 14,
    "办法": 11,
    "方案": 11,
    "规定": 5,
    "细则": 5,
    "规划": 4,
    "决定": 3,
    "通告": 3,
    "公告": 2,
    "通报": 2,
    "批复": 2,
    "函": 1,
    "纪要": 1,
    "命令": 0.3,
    "决议": 0.3,
    "公报": 0.5,
    "报告": 0.3,
    "请示": 0.2,
    "议案": 0.1,
    "其他": 1,
}
VALIDITY_WEIGHTS = {"valid": 80, "expired": 8, "repealed": 7, "revised": 5}
GENERIC_TITLE = "{unit}关于{topic}的{kind}"
SENTENCE_END = re.compile(r"(?<=[。；！？])")


@dataclass
class Library:
    page_id: int
    path: str
    depth: int
    url_path: str
    locale_id: int
    site_code: str
    doc_prefix: str
    place: str
    issuers: list  # OrgUnit
    next_step: int
    added: int = 0


def _step(number: int, alphabet: str, steplen: int) -> str:
    digits = []
    base = len(alphabet)
    while number:
        number, rest = divmod(number, base)
        digits.append(alphabet[rest])
    step = "".join(reversed(digits)) or alphabet[0]
    if len(step) > steplen:
        raise ValueError(f"a library has more children than a {steplen}-character path step can number")
    return step.rjust(steplen, alphabet[0])


def seed_sentences() -> list[str]:
    """Sentences of the shipped seed documents, long enough to read as policy text."""
    from huimin.demo.builder import SEEDS, seed_text

    sentences = []
    for seed in SEEDS:
        for line in seed_text(seed):
            for part in SENTENCE_END.split(line):
                part = part.strip().lstrip("-").strip()
                if 12 <= len(part) <= 240:
                    sentences.append(part)
    if len(sentences) < 20:
        raise RuntimeError("the seed documents yield too few sentences")
    return sentences


def _libraries(portal_share: float) -> tuple[list[Library], list[float]]:
    from wagtail.models import Page, Site

    from huimin.demo.builder import load_spec
    from huimin.demo.policies import DOC_NUMBER_PREFIX
    from huimin.policies.models import PolicyLibraryPage
    from huimin.sites.models import OrgUnit, SiteIdentity

    places = {s["hostname"]: (s["key"], s["place"]) for s in load_spec()["sites"]}
    site_units = {}
    libraries = []
    portal = None
    for library in PolicyLibraryPage.objects.order_by("path"):
        site = Site.objects.get(root_page__in=Page.objects.ancestor_of(library))
        identity = SiteIdentity.objects.select_related("org_unit").get(site=site)
        key, place = places[site.hostname]
        site_units[library.pk] = identity.org_unit
        last = (
            Page.objects.filter(path__startswith=library.path, depth=library.depth + 1)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        next_step = int(last[-Page.steplen :], 36) + 1 if last else 1
        libraries.append(
            Library(
                page_id=library.pk,
                path=library.path,
                depth=library.depth,
                url_path=library.url_path,
                locale_id=library.locale_id,
                site_code=identity.site_code,
                doc_prefix=DOC_NUMBER_PREFIX.get(key, "宿政发"),
                place=place,
                issuers=[],
                next_step=next_step,
            )
        )
        if library.aggregate_group and portal is None:
            portal = libraries[-1]
    if not libraries:
        raise RuntimeError("no policy library found: run `huimin loaddemo` first")
    # A site's library publishes for the site's unit and the units under it; the portal's library (which
    # also gathers the group) publishes for the city units that have no site of their own.
    owners = {unit.pk for unit in site_units.values()}
    portal = portal or libraries[0]
    for library in libraries:
        unit = site_units[library.page_id]
        if library is portal:
            units = [unit, *OrgUnit.objects.filter(parent=unit).exclude(pk__in=owners).exclude(kind="county")]
        else:
            units = [unit, *OrgUnit.objects.filter(parent=unit)]
        library.issuers = units
    others = len(libraries) - 1
    weights = [
        portal_share if lib is portal else (1 - portal_share) / others if others else 0.0 for lib in libraries
    ]
    return libraries, weights


def _zipf(count: int, exponent: float = 0.8) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(count)]


def generate(
    count: int,
    *,
    seed: int = DEFAULT_SEED,
    batch: int = BATCH,
    portal_share: float = PORTAL_SHARE,
    now: datetime | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """Insert `count` live policies; returns what was inserted and how long it took."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone
    from django.utils.html import escape
    from wagtail.models import Page

    from huimin.demo.policies import SUBJECTS, TITLE_BY_KIND
    from huimin.policies.enums import DocKind, Validity
    from huimin.policies.models import Industry, PolicyPage, PolicyTopic, ServiceObject
    from huimin.policies.services import invalidate_library_index

    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - bench data, not security
    now = (now or timezone.now()).astimezone(SHANGHAI)
    libraries, library_weights = _libraries(portal_share)
    sentences = seed_sentences()
    topics = list(PolicyTopic.objects.values_list("pk", "name"))
    industries = list(Industry.objects.values_list("pk", flat=True))
    objects = list(ServiceObject.objects.values_list("pk", flat=True))
    topic_weights = _zipf(len(topics))
    kinds = [k for k in DocKind.values if k in KIND_WEIGHTS]
    kind_weights = [KIND_WEIGHTS[k] for k in kinds]
    validities = list(VALIDITY_WEIGHTS)
    validity_weights = [VALIDITY_WEIGHTS[v] for v in validities]
    assert set(validities) <= set(Validity.values)
    years = list(range(FIRST_YEAR, min(LAST_YEAR, now.year) + 1))
    year_weights = [1 + i for i in range(len(years))]  # more documents online for recent years
    content_type_id = ContentType.objects.get_for_model(PolicyPage).pk
    industry_link = PolicyPage.industries.through
    object_link = PolicyPage.service_objects.through

    child_fields = PolicyPage._meta.local_concrete_fields
    table = connection.ops.quote_name(PolicyPage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in child_fields)
    placeholders = ", ".join(["%s"] * len(child_fields))
    insert_child = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - fixed names

    live_before = PolicyPage.objects.live().count()
    serial = PolicyPage.objects.filter(index_number__contains="-B").count()
    done = 0
    link_rows = 0
    while done < count:
        size = min(batch, count - done)
        pages, details, pairs = [], [], []
        added = dict.fromkeys(range(len(libraries)), 0)
        for _ in range(size):
            serial += 1
            which = rng.choices(range(len(libraries)), library_weights)[0]
            library = libraries[which]
            added[which] += 1
            issuer = rng.choice(library.issuers)
            year = rng.choices(years, year_weights)[0]
            start = datetime(year, 1, 1, tzinfo=SHANGHAI)
            end = min(datetime(year + 1, 1, 1, tzinfo=SHANGHAI), now)
            pub_date = (start + timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))).replace(
                hour=rng.randint(8, 17), second=0, microsecond=0
            )
            pub_date = min(pub_date, now)
            kind = rng.choices(kinds, kind_weights)[0]
            topic_id, topic_name = rng.choices(topics, topic_weights)[0]
            subject = rng.choice(SUBJECTS)
            template = TITLE_BY_KIND.get(kind, GENERIC_TITLE)
            title = template.format(unit=issuer.name, place=library.place, topic=subject, kind=kind)
            validity = rng.choices(validities, validity_weights)[0]
            written = pub_date.date() - timedelta(days=rng.randint(0, 20))
            effective = pub_date.date() + timedelta(days=rng.choice((0, 0, 0, 10, 30)))
            invalid = None
            if validity != Validity.VALID:
                invalid = min(effective + timedelta(days=rng.randint(180, 5 * 365)), now.date())
                invalid = max(invalid, effective)
            body_sentences = rng.sample(sentences, rng.randint(3, 5))
            step = _step(library.next_step, Page.alphabet, Page.steplen)
            library.next_step += 1
            slug = f"bench-{serial}"
            pages.append(
                Page(
                    path=library.path + step,
                    depth=library.depth + 1,
                    numchild=0,
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type_id=content_type_id,
                    live=True,
                    has_unpublished_changes=False,
                    url_path=f"{library.url_path}{slug}/",
                    seo_title="",
                    show_in_menus=False,
                    search_description="",
                    expired=False,
                    locked=False,
                    first_published_at=pub_date,
                    last_published_at=pub_date,
                    latest_revision_created_at=pub_date,
                    locale_id=library.locale_id,
                    translation_key=uuid.UUID(int=rng.getrandbits(128), version=4),
                )
            )
            details.append(
                {
                    "index_number": f"{library.site_code}/{year}-B{serial:06d}",
                    "doc_number": (
                        f"{library.doc_prefix}〔{year}〕{rng.randint(1, 300)}号" if rng.random() < 0.8 else ""
                    ),
                    "doc_kind": kind,
                    "topic": topic_id if rng.random() < 0.95 else None,
                    "issuer": issuer.pk,
                    "written_date": written,
                    "pub_date": pub_date,
                    "pub_year": pub_date.year,
                    "keywords": f"{subject},{topic_name},{library.place}",
                    "summary": body_sentences[0][:200],
                    "body": "".join(f"<p>{escape(s)}</p>" for s in body_sentences),
                    "validity": validity,
                    "effective_date": effective,
                    "invalid_date": invalid,
                    "is_demo": True,
                }
            )
            pairs.append(
                (
                    rng.sample(industries, rng.choices((1, 2, 3), (5, 3, 2))[0]),
                    rng.sample(objects, rng.choices((1, 2), (6, 4))[0]),
                )
            )
        with transaction.atomic():
            created = Page.objects.bulk_create(pages)
            rows = []
            for page, values in zip(created, details, strict=True):
                values["page_ptr"] = page.pk
                rows.append(tuple(f.get_db_prep_save(values[f.name], connection) for f in child_fields))
            with connection.cursor() as cursor:
                cursor.executemany(insert_child, rows)
            links = [
                industry_link(policypage_id=page.pk, industry_id=i)
                for page, (inds, _) in zip(created, pairs, strict=True)
                for i in inds
            ]
            subjects = [
                object_link(policypage_id=page.pk, serviceobject_id=o)
                for page, (_, objs) in zip(created, pairs, strict=True)
                for o in objs
            ]
            industry_link.objects.bulk_create(links, batch_size=2000)
            object_link.objects.bulk_create(subjects, batch_size=2000)
            link_rows += len(links) + len(subjects)
            for which, n in added.items():
                if n:
                    Page.objects.filter(pk=libraries[which].page_id).update(numchild=F("numchild") + n)
                    libraries[which].added += n
        done += size
        log(f"  {done:>7}/{count} policies  {time.perf_counter() - started:6.1f} s")
    invalidate_library_index()  # bulk inserts send no publishing signals; tell the facet index
    seconds = time.perf_counter() - started
    return {
        "inserted": done,
        "live_policies_before": live_before,
        "link_rows": link_rows,
        "per_library": {lib.url_path: lib.added for lib in libraries},
        "seconds": round(seconds, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Insert bench policies into the configured database.")
    parser.add_argument("--policies", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--batch", type=int, default=BATCH)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings.dev")
    import django

    django.setup()
    result = generate(
        args.policies, seed=args.seed, batch=args.batch, log=lambda m: print(m, file=sys.stderr)
    )
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
