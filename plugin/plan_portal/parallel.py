"""Work spread over worker processes, for the stages that do the same thing once per feature or page.

One level of processes: a worker never starts processes itself (``map_jobs`` in a worker runs
in-process). Workers are forked only on Linux, where fork is the platform's default, and only
while this process runs a single thread (forking a process with other threads can deadlock the
child); otherwise they are spawned, and the job must pickle. Either way the job reaches a worker
through the pool's initializer, once per worker, and an exception a job raises comes back as
itself, or as a WorkerError that names it when it cannot.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar, cast

T = TypeVar("T")
log = logging.getLogger(__name__)

#: Below this many items, starting worker processes costs more than it saves.
MIN_PARALLEL = 48

Job = Callable[[int], object]


class WorkerError(Exception):
    """A worker process died (killed, crashed), or raised an exception that cannot be rebuilt here.

    ``trace`` is the worker's traceback, where there is one.
    """

    def __init__(self, message: str, trace: str = "") -> None:
        super().__init__(message)
        self.trace = trace

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (str(self), self.trace)


class _WorkerTraceback(Exception):
    """The worker's traceback, as text, attached as the ``__cause__`` of the error raised here."""

    def __str__(self) -> str:
        return f"\n\n{self.args[0]}" if self.args else ""


def worker_count(items: int, limit: int | None = None) -> int:
    """Processes worth starting for ``items`` pieces of work: one per core, each with enough to do."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(limit or cores, items // (MIN_PARALLEL // 2)))


def map_jobs(job: Callable[[int], T], count: int, workers: int | None = None) -> Iterator[T]:
    """job(0) … job(count - 1), in order, on worker processes (here, in this process, when too few to be worth it).

    Linux with no other thread alive: forked workers inherit ``job`` (nothing is pickled, so it may hold a whole
    portfolio). Otherwise (macOS, Windows, or other threads alive, as under mkdocs serve or beside another plugin's
    threads): spawned workers receive ``job`` pickled once each through the pool initializer; it must then be
    picklable (a module-level function, a functools.partial of one, or an instance of a module-level class with
    __call__). A job that does not pickle runs here, and the log says why (debug, logger ``plan_portal``).

    An exception a job raises is raised here as itself (same type, message and attributes, the worker's traceback as
    its ``__cause__``); one that cannot be rebuilt here, or a worker that dies, raises ``WorkerError``.
    """
    workers = worker_count(count, workers)
    start = _start_method(job, count, workers)
    if isinstance(start, str):
        log.debug("%d jobs run in this process: %s", count, start)
        yield from (job(index) for index in range(count))
        return
    context, shipped = start
    size = max(1, count // (workers * 16))  # small chunks even out jobs of unequal cost
    chunks = [range(first, min(first + size, count)) for first in range(0, count, size)]
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(shipped,))
    processes: dict[int, BaseProcess] = getattr(pool, "_processes", {})  # filled as workers start: to say which died
    try:
        for outcome in pool.map(_run_chunk, chunks):
            if isinstance(outcome, _Failure):
                raise outcome.rebuilt()
            yield from cast("list[T]", outcome)
    except BrokenProcessPool:
        pool.shutdown(wait=True)  # every worker reaped: their exit codes are known
        raise WorkerError(_how_workers_died(list(processes.values()))) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_method(job: Job, count: int, workers: int) -> tuple[BaseContext, Job | bytes] | str:
    """How to start the workers and what to hand them, or why the work stays in this process."""
    if workers < 2:
        return "too little work to be worth starting processes"
    if _worker_job is not None:
        return "this is a worker process, and workers start no processes"
    if sys.platform == "linux" and threading.active_count() == 1:
        log.debug("forking %d workers for %d jobs", workers, count)
        return multiprocessing.get_context("fork"), job
    why = "not Linux" if sys.platform != "linux" else f"{threading.active_count()} threads run"
    try:
        payload = pickle.dumps(job, pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # PicklingError, TypeError, AttributeError … depending on what does not pickle
        return f"workers would be spawned ({why}), and the job does not pickle: {error}"
    log.debug("spawning %d workers for %d jobs (%s); the job pickles to %d bytes", workers, count, why, len(payload))
    return multiprocessing.get_context("spawn"), payload


# The worker's side. _worker_job is set only in a worker process, by the pool's initializer: the
# caller never sets it, so it carries no task from caller to worker (a forked worker inherits
# the job through the initializer's arguments, which fork does not pickle).
_worker_job: Job | _Failure | None = None


def _start_worker(shipped: Job | bytes) -> None:
    global _worker_job
    gc.freeze()  # a collection in a forked worker would write to every inherited object, and copy its page
    try:
        _worker_job = pickle.loads(shipped) if isinstance(shipped, bytes) else shipped
    except Exception as error:  # an initializer that raises breaks the pool without saying why
        _worker_job = _Failure.of(error)


def _run_chunk(indexes: range) -> list[object] | _Failure:
    job = _worker_job
    assert job is not None
    if isinstance(job, _Failure):
        return job
    try:
        return [job(index) for index in indexes]
    except Exception as error:
        return _Failure.of(error)


@dataclass(frozen=True, slots=True)
class _Failure:
    """A job's exception, sent back as a result: the pool's own path loses an exception that does not
    unpickle (one whose ``__init__`` takes other arguments than its ``args``) as "terminated abruptly"."""

    kind: str
    message: str
    trace: str
    #: The exception pickled so that it unpickles as itself, or None where it cannot be.
    pickled: bytes | None

    @classmethod
    def of(cls, error: BaseException) -> _Failure:
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        return cls(kind, _text(error), "".join(traceback.format_exception(error)), _pickle_exception(error))

    def rebuilt(self) -> BaseException:
        """The exception, as raised in the worker, or a WorkerError naming it."""
        error: BaseException | None = None
        if self.pickled is not None:
            try:
                error = _unpickle_exception(self.pickled)
            except Exception:  # its class cannot be imported here
                error = None
        if error is None:
            error = WorkerError(f"{self.kind} in a worker process: {self.message}", self.trace)
        error.__cause__ = _WorkerTraceback(self.trace)
        return error


@dataclass(frozen=True, slots=True)
class _Bare:
    """An exception as its class, ``args`` and attributes, rebuilt without calling its ``__init__``."""

    kind: type[BaseException]
    args: tuple[object, ...]
    attributes: dict[str, object]

    def rebuild(self) -> BaseException:
        error = self.kind.__new__(self.kind, *self.args)
        error.args = self.args
        error.__dict__.update(self.attributes)
        return error


def _pickle_exception(error: BaseException) -> bytes | None:
    """``error`` pickled so that it unpickles as the same type with the same message, if it can be."""
    for form in (_whole, _bare):
        try:
            pickled = pickle.dumps(form(error), pickle.HIGHEST_PROTOCOL)
            copy = _unpickle_exception(pickled)
            if type(copy) is type(error) and _text(copy) == _text(error):
                return pickled
        except Exception:  # the next form, or none
            continue
    return None


def _whole(error: BaseException) -> object:
    return error


def _bare(error: BaseException) -> object:
    attributes = {name: value for name, value in vars(error).items() if _pickles(value)}
    return _Bare(type(error), error.args, attributes)


def _unpickle_exception(pickled: bytes) -> BaseException:
    found = pickle.loads(pickled)
    error = found.rebuild() if isinstance(found, _Bare) else found
    if not isinstance(error, BaseException):
        raise TypeError(f"not an exception: {error!r}")
    return error


def _pickles(value: object) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


def _text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:
        return repr(error.args)


def _how_workers_died(processes: list[BaseProcess]) -> str:
    """Which worker died and how: the pool terminates (SIGTERM) the others once one dies."""
    dead = [p for p in processes if p.exitcode not in (None, 0)]
    dead.sort(key=lambda p: p.exitcode == -signal.SIGTERM)  # the one that died first, before those terminated
    if not dead:
        return "a worker process ended abruptly, the cause unknown"
    process, code = dead[0], dead[0].exitcode
    assert code is not None
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
        why = {
            "SIGKILL": ": the system may have run out of memory (see dmesg), or it was killed",
            "SIGSEGV": ": it crashed in native code",
            "SIGBUS": ": it crashed in native code",
            "SIGABRT": ": it aborted, in native code",
        }.get(name, "")
        return f"worker process {process.pid} was killed by {name} ({-code}){why}"
    return f"worker process {process.pid} exited with status {code} without finishing its job"
