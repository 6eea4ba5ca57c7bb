"""Files read ahead on threads come back in order, never more than the bound at once."""

from __future__ import annotations

import threading
import time

from pipelines.ingest.prefetch import prefetched


class _Gauge:
    """How many calls run at once, at most."""

    def __init__(self) -> None:
        self.now = self.most = 0
        self.started: list[int] = []
        self._lock = threading.Lock()

    def work(self, item: int) -> int:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.started.append(item)
        time.sleep(0.01 * (item % 3))  # later items may finish first
        with self._lock:
            self.now -= 1
        return item * item


def test_results_come_in_the_order_of_the_items() -> None:
    gauge = _Gauge()
    assert list(prefetched(range(12), gauge.work, 3)) == [i * i for i in range(12)]
    assert gauge.most > 1  # the work did overlap


def test_no_more_than_the_bound_run_at_once() -> None:
    gauge = _Gauge()
    list(prefetched(range(20), gauge.work, 2))
    assert gauge.most <= 2


def test_a_caller_that_stops_early_starts_nothing_more() -> None:
    gauge = _Gauge()
    results = prefetched(range(100), gauge.work, 2)
    assert next(results) == 0
    results.close()
    assert len(gauge.started) <= 3
