"""The reference ceiling of the inspection benchmark: a bare asyncio + aiohttp breadth-first crawl.

    .venv/bin/python bench/inspect/ceiling.py http://127.0.0.1:PORT/ [--concurrency 32] [--out result.json]

No checks, no robots.txt, no limits: `concurrency` workers share one aiohttp connection pool, fetch every
URL found on the start host once (GET, whole body read), extract `href` and `src` values from HTML pages
with a regular expression, resolve them, and queue the unseen ones. A URL answering 400 or more (or not at
all) is a broken target. Writes {"pages", "urls", "broken", "seconds"} as JSON. It is what the machine,
this server and asyncio allow, for the real crawlers to be measured against.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp

LINK = re.compile(rb"""(?:href|src)\s*=\s*["']([^"'<>\s]+)["']""", re.IGNORECASE)


async def crawl(start: str, concurrency: int) -> dict:
    host = urlsplit(start).netloc
    seen, queue = {start}, asyncio.Queue()
    pages, urls, broken = 0, 0, set()
    queue.put_nowait(start)

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal pages, urls
        while True:
            url = await queue.get()
            try:
                async with session.get(url, allow_redirects=False) as answer:
                    body = await answer.read()
                    urls += 1
                    if answer.status >= 400:
                        broken.add(url)
                    elif answer.content_type == "text/html":
                        pages += 1
                        for match in LINK.finditer(body):
                            target = urljoin(url, match.group(1).decode("utf-8", "replace"))
                            parts = urlsplit(target)
                            if parts.scheme != "http" or parts.netloc != host:
                                continue
                            target = urlunsplit(parts._replace(fragment=""))
                            if target not in seen:
                                seen.add(target)
                                queue.put_nowait(target)
            except (aiohttp.ClientError, TimeoutError):
                urls += 1
                broken.add(url)
            finally:
                queue.task_done()

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        workers = [asyncio.ensure_future(worker(session)) for _ in range(concurrency)]
        await queue.join()
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return {"pages": pages, "urls": urls, "broken": sorted(broken)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("start")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    began = time.monotonic()
    result = asyncio.run(crawl(args.start, args.concurrency))
    result["seconds"] = round(time.monotonic() - began, 3)
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
