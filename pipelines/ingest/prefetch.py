"""Work on the next items while the caller handles the current one, in order, with a bound."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def prefetched(
    items: Iterable[Item], work: Callable[[Item], Result], ahead: int
) -> Generator[Result, None, None]:
    """`work(item)` for each item, yielded in the items' order; at most `ahead` items are
    being worked on, on threads, or waiting to be taken, beside the one the caller holds."""
    pool = ThreadPoolExecutor(max_workers=ahead)
    running: deque[Future[Result]] = deque()
    try:
        for item in items:
            running.append(pool.submit(work, item))
            if len(running) >= ahead:
                yield running.popleft().result()
        while running:
            yield running.popleft().result()
    finally:  # the caller stopped early: nothing queued is started
        pool.shutdown(wait=True, cancel_futures=True)
