"""Worker processes for the crawler's page work (building a page from its body and running the page checks),
so that a crawl uses every core while its fetch loop stays in one process.

`WorkerPool(handler, size)` forks `size` processes (the `fork` start method: each inherits the crawl's
handler, site and dictionaries as they are, with nothing pickled and nothing loaded again) and talks to each
over a socket pair from the parent's asyncio event loop: a job goes out as a length-prefixed pickle, its
result comes back the same way. No thread is involved on either side, so the event loop keeps the GIL to
itself, and the parent always knows which jobs each worker holds and which one it was working on.

A worker that stops (killed, out of memory, a crash in a C extension) loses no page: the error is logged
with the worker's exit code and the page it was working on, the worker is replaced, and the pages it held
go to the other workers. The page it was working on is retried once; a page that stops a second worker
is reported in the log and its checks are skipped (`PageSkipped`), because checking it in the crawling
process could stop the whole crawl. Pages find a process in any case: when workers cannot be replaced any
more, the remaining pages are checked in the crawling process itself, with a log line saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import multiprocessing
import pickle
import signal
import socket
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)
HEADER = 8  # bytes of the length prefix of each message
ATTEMPTS = 2  # a page that stops this many workers is skipped
REPLACEMENTS_PER_WORKER = 4  # beyond size × this, stopped workers are not replaced any more
_kept: list = []  # in a worker: the database connections inherited from the parent, never to be closed


class PageSkipped(Exception):
    """The page stopped every worker that tried it; its checks were skipped (the log says so)."""


class WorkerError(Exception):
    """The handler raised in a worker; the message is the worker's traceback."""


@dataclass
class _Job:
    job: object
    data: bytes  # the job pickled
    future: asyncio.Future
    label: str  # what the log calls it (a page's URL)
    attempts: int = 0  # workers it stopped


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    sock: socket.socket  # the parent's end
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    jobs: deque = field(default_factory=deque)  # sent and not answered, in order: the first is in work
    task: asyncio.Task | None = None
    alive: bool = True


def _forget_database_connections() -> None:
    """In a worker: Django's connections inherited from the parent are set aside, never used nor closed (the
    socket is the parent's; closing it here would end the parent's session). Page checks do not use the
    database (what they share from it is resolved before the fork); if one ever did, it would connect anew."""
    try:
        from django.db import connections

        inherited = [conn for conn in connections.all(initialized_only=True) if conn.connection is not None]
    except Exception:  # Django not configured: nothing inherited
        return
    for conn in inherited:
        _kept.append(conn.connection)  # kept referenced: a finalizer would close the parent's socket
        conn.connection = None


def _serve(sock: socket.socket, handler: Callable, inherited: list[socket.socket]) -> None:
    """A worker's life: answer each job with (True, result) or (False, traceback) until the parent closes
    the socket."""
    for other in inherited:  # the parent's ends of every worker's socket, this one's included
        other.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it closes the socket
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(-1)  # the parent's event loop's wake-up pipe is not this process's
    _forget_database_connections()
    gc.freeze()  # what the parent built is never collected here, and its pages stay shared
    incoming, outgoing = sock.makefile("rb"), sock.makefile("wb")
    while True:
        head = incoming.read(HEADER)
        if len(head) < HEADER:
            return
        data = incoming.read(int.from_bytes(head, "big"))
        try:
            job = pickle.loads(data)  # noqa: S301 - the parent's own job, over a socket pair of its own
            answer = pickle.dumps((True, handler(job)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            answer = pickle.dumps((False, traceback.format_exc()), protocol=pickle.HIGHEST_PROTOCOL)
        outgoing.write(len(answer).to_bytes(HEADER, "big") + answer)
        outgoing.flush()


class WorkerPool:
    """`size` forked processes applying `handler` to jobs (pickled both ways). Start it before the event
    loop starts threads of its own (forking copies only the forking thread); use it from that one loop."""

    def __init__(self, handler: Callable, size: int):
        self.handler, self.size = handler, size
        self.workers: list[_Worker] = []
        self.replacements_left = size * REPLACEMENTS_PER_WORKER
        self.closed = False

    async def start(self) -> WorkerPool:
        for _ in range(self.size):
            await self._spawn()
        return self

    async def _spawn(self) -> None:
        mine, theirs = socket.socketpair()
        inherited = [mine, *(w.sock for w in self.workers)]
        process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(theirs, self.handler, inherited), name="huimin-page-checks", daemon=True
        )
        process.start()
        theirs.close()
        reader, writer = await asyncio.open_unix_connection(sock=mine, limit=2**16)
        worker = _Worker(process, mine, reader, writer)
        worker.task = asyncio.ensure_future(self._receive(worker))
        self.workers.append(worker)

    async def run(self, job, label: str = ""):
        """The handler's result for `job`, from a worker (or, when none is left, from this process)."""
        future = asyncio.get_running_loop().create_future()
        self._dispatch(_Job(job, pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL), future, label))
        return await future

    def _dispatch(self, job: _Job) -> None:
        if job.future.done():  # cancelled meanwhile (a crawl stopping): nothing to do
            return
        alive = [w for w in self.workers if w.alive]
        if not alive:
            self._run_here(job)
            return
        worker = min(alive, key=lambda w: len(w.jobs))
        worker.jobs.append(job)
        worker.writer.write(len(job.data).to_bytes(HEADER, "big") + job.data)

    def _run_here(self, job: _Job) -> None:
        logger.warning("No page-check worker is left: checking %s in the crawling process", job.label)
        try:
            job.future.set_result(self.handler(job.job))
        except Exception as error:
            job.future.set_exception(error)

    async def _receive(self, worker: _Worker) -> None:
        try:
            while True:
                head = await worker.reader.readexactly(HEADER)
                data = await worker.reader.readexactly(int.from_bytes(head, "big"))
                job = worker.jobs.popleft()
                ok, value = pickle.loads(data)  # noqa: S301 - our own worker's answer
                if job.future.done():
                    continue
                if ok:
                    job.future.set_result(value)
                else:
                    job.future.set_exception(WorkerError(value))
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            if not self.closed:
                await self._lost(worker)

    async def _lost(self, worker: _Worker) -> None:
        """A worker stopped: its pages go elsewhere, the one it was working on counting one attempt."""
        worker.alive = False
        worker.writer.close()
        await asyncio.sleep(0)
        worker.process.join(timeout=1)
        jobs = list(worker.jobs)
        worker.jobs.clear()
        working_on = jobs[0].label if jobs else "no page"
        logger.error(
            "A page-check worker (pid %s) stopped with exit code %s while checking %s; %d page(s) it held "
            "go to the other workers",
            worker.process.pid,
            worker.process.exitcode,
            working_on,
            len(jobs),
        )
        if self.replacements_left > 0:
            self.replacements_left -= 1
            try:
                await self._spawn()
            except OSError:
                logger.exception("A page-check worker could not be replaced")
        for index, job in enumerate(jobs):
            if index == 0:
                job.attempts += 1
                if job.attempts >= ATTEMPTS:
                    logger.error("Checks of %s skipped: the page stopped %d workers", job.label, job.attempts)
                    if not job.future.done():
                        job.future.set_exception(PageSkipped(job.label))
                    continue
            self._dispatch(job)

    async def close(self) -> None:
        """Let every worker finish and leave (each stops when its socket closes); stop any that hangs."""
        self.closed = True
        for worker in self.workers:
            if worker.task is not None:
                worker.task.cancel()
            with contextlib.suppress(OSError):
                worker.sock.shutdown(socket.SHUT_RDWR)  # at once: the transport would close it later
            worker.writer.close()
        await asyncio.gather(*(w.task for w in self.workers if w.task is not None), return_exceptions=True)
        for worker in self.workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=2)
