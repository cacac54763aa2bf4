"""An in-process bitmap index of the live policies, for the library's filtered lists and facet counts.

Counting seven facets with `GROUP BY` over 100,000 policies costs a scan each; here every facet value is a
bitset (a Python int, one bit per policy) and a count is an AND and a popcount. Positions are assigned in
library order (newest first), so a page of the newest or oldest results is read straight from the bits.

The database stays the truth. Every change that could alter what the index holds (publishing, unpublishing,
moving or deleting a policy, a view restriction) writes a new random token through
`services.invalidate_library_index`; each process compares its index's token with the stored one on every
read and rebuilds when they differ. A random token, not a counter, so a rolled-back change can never leave
a process trusting an index built from data that was never committed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .enums import SortOrder
from .models import PolicyIndexToken, PolicyPage

logger = logging.getLogger(__name__)

# The facets the index holds, with the column each is read from.
COLUMNS = {
    "issuer": "issuer_id",
    "topic": "topic_id",
    "year": "pub_year",
    "doc_kind": "doc_kind",
    "validity": "validity",
}
TAGS = {
    "industry": (PolicyPage.industries.through, "industry_id"),
    "service_object": (PolicyPage.service_objects.through, "serviceobject_id"),
}
NUMERIC = ("issuer", "topic", "year", "industry", "service_object")


def normalise(name: str, value: str) -> str:
    """The key a filter value is stored under: ids and years without leading zeros; others as given."""
    if name in NUMERIC:
        return str(int(value)) if value.isascii() and value.isdigit() and len(value) < 10 else ""
    return value


def _bits(positions: Iterable[int], nbytes: int) -> int:
    buffer = bytearray(nbytes)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def _column_bits(column: list, nbytes: int) -> dict[str, int]:
    """The bitset of every value of one column (position i holds row i), built at C speed: the column is
    encoded one byte per row, each value's rows are picked out with `bytes.translate` as ASCII 0/1 digits,
    and `int(…, 2)` turns the digits into the bitset."""
    values = [value for value in set(column) if value not in (None, "")]
    if len(values) > 255:  # more values than one byte holds: set the bits one by one instead
        members = defaultdict(list)
        for i, value in enumerate(column):
            members[value].append(i)
        return {str(value): _bits(members[value], nbytes) for value in values}
    code = dict.fromkeys(column, 0) | {value: n for n, value in enumerate(values, start=1)}
    encoded = bytes(map(code.__getitem__, column))
    result = {}
    for value in values:
        table = bytearray(b"0" * 256)
        table[code[value]] = ord("1")
        result[str(value)] = int(encoded.translate(table)[::-1], 2)
    return result


@dataclass
class FacetIndex:
    token: str
    pks: list[int]  # by position: newest first, as the library lists them
    paths: list[str]
    title_order: list[int]  # positions sorted by title
    facets: dict[str, dict[str, int]]  # facet -> value -> bitset
    nbytes: int
    built_ms: float = 0.0
    _prefix_masks: dict[tuple[str, ...], int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.pks)

    @property
    def everything(self) -> int:
        return (1 << self.size) - 1

    def scope_mask(self, prefixes: tuple[str, ...] | None) -> int:
        """The policies under any of the tree paths (a library or a site root); None is the whole group."""
        if prefixes is None:
            return self.everything
        mask = self._prefix_masks.get(prefixes)
        if mask is None:
            mask = _bits((i for i, path in enumerate(self.paths) if path.startswith(prefixes)), self.nbytes)
            self._prefix_masks[prefixes] = mask
        return mask

    def matching(self, scope: int, conditions: dict[str, str], skip: str = "") -> int:
        mask = scope
        for name, value in conditions.items():
            if name != skip:
                mask &= self.facets[name].get(normalise(name, value), 0)
        return mask

    def counts(self, scope: int, conditions: dict[str, str]) -> dict[str, dict[str, int]]:
        """For each facet, the count of each value under every other condition (disjunctive faceting)."""
        result = {}
        for name, values in self.facets.items():
            base = self.matching(scope, conditions, skip=name)
            counts = {}
            if base:
                for value, bits in values.items():
                    count = (base & bits).bit_count()
                    if count:
                        counts[value] = count
            result[name] = counts
        return result

    def select(self, mask: int, sort: str, offset: int, limit: int) -> list[int]:
        """The primary keys of one page of the matching policies, in the requested order."""
        if limit <= 0 or not mask:
            return []
        padded = -(-self.nbytes // 8) * 8
        words = memoryview(mask.to_bytes(padded, "little")).cast("Q")
        if sort == SortOrder.TITLE:
            data = words.cast("B")
            found = (p for p in self.title_order if data[p >> 3] >> (p & 7) & 1)
            positions = [p for _, p in zip(range(offset + limit), found, strict=False)][offset:]
        elif sort == SortOrder.OLDEST:
            positions = _positions(words, offset, limit, descending=True)
        else:
            positions = _positions(words, offset, limit)
        return [self.pks[p] for p in positions]


def _positions(words, skip: int, limit: int, *, descending: bool = False) -> list[int]:
    """Positions of set bits, lowest first (or highest first), after skipping `skip` of them.
    Whole 64-bit words are skipped by their popcount."""
    out = []
    for w in range(len(words) - 1, -1, -1) if descending else range(len(words)):
        word = words[w]
        if not word:
            continue
        count = word.bit_count()
        if skip >= count:
            skip -= count
            continue
        while word:
            bit = word.bit_length() - 1 if descending else (word & -word).bit_length() - 1
            word ^= 1 << bit
            if skip:
                skip -= 1
                continue
            out.append(w * 64 + bit)
            if len(out) == limit:
                return out
    return out


def build(token: str) -> FacetIndex:
    started = time.perf_counter()
    rows = list(
        PolicyPage.objects.live()
        .public()
        .order_by("-pub_date", "-pk")
        .values_list("pk", "path", "title", *COLUMNS.values())
    )
    nbytes = max(1, -(-len(rows) // 8))
    pks, paths, titles, *columns = (list(column) for column in zip(*rows, strict=True)) if rows else [[]] * 8
    facets = {name: _column_bits(column, nbytes) for name, column in zip(COLUMNS, columns, strict=True)}
    position = {pk: i for i, pk in enumerate(pks)}
    for name, (through, column) in TAGS.items():
        members = defaultdict(list)
        for pk, value in through.objects.values_list("policypage_id", column).iterator(chunk_size=20000):
            i = position.get(pk)
            if i is not None:
                members[str(value)].append(i)
        facets[name] = {value: _bits(positions, nbytes) for value, positions in members.items()}
    by_pk = sorted(range(len(pks)), key=pks.__getitem__)
    index = FacetIndex(
        token=token,
        pks=pks,
        paths=paths,
        title_order=sorted(by_pk, key=titles.__getitem__),  # stable: by title, then by pk
        facets=facets,
        nbytes=nbytes,
    )
    index.built_ms = (time.perf_counter() - started) * 1000
    logger.info("policy facet index built: %d policies in %.0f ms", index.size, index.built_ms)
    return index


_current: FacetIndex | None = None
_lock = threading.Lock()


def stored_token() -> str:
    return PolicyIndexToken.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def current() -> FacetIndex:
    """This process's index, rebuilt first if the stored token says the policies have changed since."""
    global _current
    token = stored_token()
    index = _current
    if index is not None and index.token == token:
        return index
    with _lock:
        if _current is None or _current.token != token:
            _current = build(token)
        return _current
