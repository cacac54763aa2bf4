"""Benchmark of the content-safety check: a 10,000-entry dictionary against a 50 KB page.

    .venv/bin/python bench/safety/check.py [--entries 10000] [--page-kb 50] [--runs 50]

No database: the dictionary is built in memory from the shipped list (huimin/safety/data/terms.tsv) plus
generated terms up to `--entries` (seeded, so every run uses the same ones). A generated term is a real word
of jieba's dictionary with one more character after it: words a page really contains start many partial
matches, as wrong phrases do, but few complete ones. The page is HTML of `--page-kb` KB made of the demo's
seed texts (huimin/demo/data/seeds), with a few wrong expressions, a zero-width space inside one and a
traditional form planted.

Timed, each as the median of `--runs` runs in the same process:

1. the pre-publish check of the page: `engine.check_html` (visible text, normalisation, the dictionary over
   the text, personal data);
2. its parts: normalisation; the Aho-Corasick matching alone (`Dictionary.hits` on the normalised text);
3. the naive ways on the same normalised text: one regular expression alternating all the terms
   (`re.finditer`), and `str.find` per term (every occurrence of every term);
4. pyahocorasick over the text's characters instead of its UTF-8 bytes (why the engine uses bytes);
5. building: the engine's automaton from the entries (`Dictionary(entries)`), and compiling the
   alternation, each the median of 5 runs.

Every way must find the same places as the engine's matcher (checked before timing). Results go to
bench/safety/check_results.json and are printed as Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common  # bench/common.py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "check_results.json"
PACKAGES = ("pyahocorasick", "opencc", "selectolax")
PLANTED = ["中華人民共合國", "十九届\u200b4中全会", "台湾 总统", "再接再励", "网络赌博"]


def setup_django() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings.dev")
    import django

    django.setup()


def generated_terms(count: int, existing: set[str], seed: int = 20301) -> list[str]:
    import jieba

    words = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as file:
        for line in file:
            word = line.split(" ", 1)[0]
            if 2 <= len(word) <= 5 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
                words.append(word)
    chars = sorted({ch for word in words[:50000] for ch in word})
    rng = random.Random(seed)  # noqa: S311 - seeded: the same terms every run
    found: set[str] = set()
    while len(found) < count:
        term = rng.choice(words) + rng.choice(chars)
        if term not in existing:
            found.add(term)
    return sorted(found)


def make_page(kilobytes: int) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "huimin/demo/data/seeds").glob("*.txt"))]
    paragraphs = [line.strip() for text in texts for line in text.splitlines() if len(line.strip()) > 20]
    head = (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>工作动态</title></head>"
        "<body><main>"
    )
    tail = "</main></body></html>"
    body, index, planted = [], 0, list(PLANTED)
    size = len((head + tail).encode())
    while size < kilobytes * 1024:
        paragraph = paragraphs[index % len(paragraphs)]
        if index % 25 == 5 and planted:
            paragraph = paragraph[: len(paragraph) // 2] + planted.pop(0) + paragraph[len(paragraph) // 2 :]
        chunk = f"<p>{paragraph}</p>\n"
        body.append(chunk)
        size += len(chunk.encode())
        index += 1
    return head + "".join(body) + tail


def median_ms(function, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--page-kb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    import ahocorasick

    from huimin.safety import engine
    from huimin.safety.dictionary import Entry, shipped_entries

    shipped = list(shipped_entries())
    extra = generated_terms(args.entries - len(shipped), {e.term for e in shipped})
    entries = shipped + [Entry(term, "expression", "warn", "", "其他表述") for term in extra]
    common.log(f"dictionary: {len(entries)} entries ({len(shipped)} shipped); page: {args.page_kb} KB")
    common.wait_for_quiet(120, "safety-check")

    html = make_page(args.page_kb)
    dictionary = engine.Dictionary(entries)
    normalised = engine.normalise(engine.html_text(html))
    lowered = engine.lower_ascii(normalised)
    keys = sorted({engine.term_key(e.term) for e in entries}, key=len, reverse=True)

    # the same places, found every way
    expected = sorted({(h.start, h.end) for h in dictionary.hits(normalised)})
    alternation = re.compile("|".join(re.escape(k) for k in keys))

    def by_regex():
        return [(m.start(), m.end()) for m in alternation.finditer(lowered)]

    def by_find():
        found = []
        for key in keys:
            at = lowered.find(key)
            while at >= 0:
                found.append((at, at + len(key)))
                at = lowered.find(key, at + 1)
        return found

    chars = ahocorasick.Automaton()
    for key in keys:
        chars.add_word(key, len(key))
    chars.make_automaton()

    def by_characters():
        return [(end - size + 1, end + 1) for end, size in chars.iter(lowered)]

    assert sorted(set(by_find())) == expected, "str.find disagrees with the engine"
    assert sorted(set(by_characters())) == expected, "the character automaton disagrees with the engine"
    regex_found = set(by_regex())  # non-overlapping: a subset of the engine's places
    assert regex_found <= set(expected), "the alternation found a place the engine did not"
    hits = engine.check_html(html, dictionary=dictionary)
    planted_found = sorted(
        {h.term for h in hits if h.check != "privacy"} & {engine.normalise(p) for p in PLANTED}
    )

    runs = args.runs
    common.log("timing the check, its parts and the naive ways")
    timings = {
        "check_html_ms": median_ms(lambda: engine.check_html(html, dictionary=dictionary), runs),
        "normalise_ms": median_ms(lambda: engine.normalise(engine.html_text(html)), runs),
        "automaton_match_ms": median_ms(lambda: dictionary.hits(normalised), runs),
        "regex_alternation_ms": median_ms(by_regex, max(3, runs // 10)),
        "str_find_per_term_ms": median_ms(by_find, max(3, runs // 10)),
        "automaton_over_characters_ms": median_ms(by_characters, max(3, runs // 10)),
        "build_automaton_ms": median_ms(lambda: engine.Dictionary(entries), 5),
        "compile_alternation_ms": median_ms(
            lambda: (re.purge(), re.compile("|".join(re.escape(k) for k in keys))), 5
        ),
    }
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": common.machine(PACKAGES),
        "entries": len(entries),
        "page_bytes": len(html.encode()),
        "page_characters_checked": len(normalised),
        "places_found": len(expected),
        "planted_found": planted_found,
        "runs": runs,
        **timings,
    }
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    common.print_machine(results)
    print(
        f"{len(entries)} entries, a {results['page_bytes'] // 1024} KB page ({len(normalised)} characters "
        f"of text), {len(expected)} places found; median of {runs} runs "
        f"(naive ways: of {max(3, runs // 10)})\n"
    )
    print("| what | ms |\n|---|---:|")
    labels = {
        "check_html_ms": "pre-publish check (`check_html`: text, normalisation, matching, personal data)",
        "normalise_ms": "  of which visible text + normalisation",
        "automaton_match_ms": "  of which Aho-Corasick matching (UTF-8 bytes)",
        "regex_alternation_ms": "naive: one regex alternating all terms",
        "str_find_per_term_ms": "naive: `str.find` per term",
        "automaton_over_characters_ms": "pyahocorasick over characters (not bytes)",
        "build_automaton_ms": "building the automaton",
        "compile_alternation_ms": "compiling the alternation",
    }
    for key, label in labels.items():
        print(f"| {label} | {timings[key]} |")


if __name__ == "__main__":
    main()
