"""Who may do what in 年度考核, and the reads the screens share.

- Assessors (the platform team: superusers, or anyone given `huimin_assessment.assess`) compute, record,
  enter and close every unit's sheet.
- The portal office (superusers, `huimin_assessment.adopt`, or an editor, unit leader or site administrator
  of the portal) adopts or rejects the units' submissions.
- A unit's staff (any site role in the unit) read their own unit's sheet and progress, and submit for it.
"""

from __future__ import annotations

from wagtail.models import Site

from huimin.sites.enums import SITE_ROLES, Role
from huimin.sites.models import Membership, OrgUnit

PORTAL_OFFICE_ROLES = (Role.EDITOR, Role.UNIT_LEADER, Role.SITE_ADMIN)


def is_assessor(user) -> bool:
    return bool(
        user and user.is_authenticated and (user.is_superuser or user.has_perm("huimin_assessment.assess"))
    )


def portal_site() -> Site | None:
    """The city portal: the site of the city office (市政府办公室), or else the default site."""
    from huimin.sites.enums import OrgUnitKind
    from huimin.sites.models import SiteIdentity

    identity = (
        SiteIdentity.objects.filter(org_unit__kind=OrgUnitKind.CITY_OFFICE).select_related("site").first()
    )
    return identity.site if identity else Site.objects.filter(is_default_site=True).first()


def is_portal_office(user) -> bool:
    if not (user and user.is_authenticated):
        return False
    if user.is_superuser or user.has_perm("huimin_assessment.adopt"):
        return True
    portal = portal_site()
    return bool(
        portal and Membership.objects.filter(user=user, site=portal, role__in=PORTAL_OFFICE_ROLES).exists()
    )


def own_unit_ids(user) -> set[int]:
    """The units the person holds a site role in."""
    if not (user and user.is_authenticated):
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=SITE_ROLES).values_list("org_unit_id", flat=True)
    )


def may_view_unit(user, unit: OrgUnit | int) -> bool:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return is_assessor(user) or unit_id in own_unit_ids(user)


def may_submit_for(user, unit: OrgUnit | int) -> bool:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return unit_id in own_unit_ids(user)


def uses_assessment(user) -> bool:
    """Whether the 年度考核 menu is shown: assessors, the portal office, and staff of an assessed unit."""
    from .enums import CLASS_OF_KIND

    if is_assessor(user) or is_portal_office(user):
        return True
    ids = own_unit_ids(user)
    return bool(ids) and OrgUnit.objects.filter(pk__in=ids, kind__in=list(CLASS_OF_KIND)).exists()
