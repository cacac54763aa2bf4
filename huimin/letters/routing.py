"""Routing suggestions (分办建议): the unit a letter should probably go to, from the rules table
(`RoutingRule`, edited in the admin) and the unit the citizen chose. Only a suggestion: the dispatcher
decides, and dispatching still goes through `services.dispatch`."""

from __future__ import annotations

from dataclasses import dataclass

from .enums import State
from .models import Letter, RoutingRule

ROUTABLE_STATES = (State.SUBMITTED, State.RETURNED)


@dataclass(frozen=True)
class Suggestion:
    unit_id: int
    unit_name: str
    reason: str


def active_rules() -> list[RoutingRule]:
    return list(RoutingRule.objects.filter(active=True).select_related("unit"))


def suggest(letter: Letter, rules: list[RoutingRule]) -> Suggestion | None:
    """The first matching rule (by priority); else the unit the citizen chose; else nothing. A letter
    returned by a unit is never suggested back to the unit that returned it."""
    if letter.state not in ROUTABLE_STATES:
        return None
    text = f"{letter.title}\n{letter.content}".casefold()
    refused = letter.unit_id if letter.state == State.RETURNED else None
    for rule in rules:
        if rule.kind and rule.kind != letter.kind:
            continue
        if rule.chosen_unit_id and rule.chosen_unit_id != letter.chosen_unit_id:
            continue
        words = rule.keyword_list()
        hit = next((w for w in words if w.casefold() in text), None)
        if (words and hit is None) or rule.unit_id == refused:
            continue
        reason = f"规则“{rule.name}”" + (f"（含“{hit}”）" if hit else "")
        return Suggestion(rule.unit_id, rule.unit.name, reason)
    if letter.chosen_unit_id and letter.chosen_unit_id != refused:
        return Suggestion(letter.chosen_unit_id, letter.chosen_unit.name, "留言人选择的留言对象")
    return None


def suggestions(letters) -> dict[int, Suggestion]:
    """Suggestions for many letters with one read of the rules (the board's page)."""
    routable = [letter for letter in letters if letter.state in ROUTABLE_STATES]
    if not routable:
        return {}
    rules = active_rules()
    found = {letter.pk: suggest(letter, rules) for letter in routable}
    return {pk: s for pk, s in found.items() if s is not None}
