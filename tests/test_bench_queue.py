"""``coopledger bench queue`` renders a batch on real RQ workers, prints the rate and the city's
projection, and finishes the batch after it kills one of its workers — each household once
(skipped only when Redis does not answer on 127.0.0.1:6379)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from redis import Redis
from redis.exceptions import RedisError

from coopledger.cli.main import main

REDIS_URL = "redis://127.0.0.1:6379/0"
BENCH = ("bench", "queue", "--count", "6", "--workers", "1", "--chunk-size", "1")


def _redis_answers() -> bool:
    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except RedisError:
        return False
    return True


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_the_queue_bench_renders_on_workers_and_survives_a_killed_one() -> None:
    result = CliRunner().invoke(
        main,
        [*BENCH, "--redis-url", REDIS_URL],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    row = next(line.split() for line in out.splitlines() if line.strip().startswith("1 "))
    assert float(row[2]) > 0  # statements per second with one worker
    assert "projection for 100,000 statements" in out
    assert re.search(r"10 machines of \d+ cores: +\d+\.\d min", out)
    assert "killed with SIGKILL" in out
    assert "6 files, each household once, 6 codes issued once" in out
