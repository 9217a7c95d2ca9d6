"""Historical card payments as JSON-lines files and a pipeline over them, for the backtest benchmark and tests."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.synthetic import SCHEMA

START = datetime(2026, 3, 1)


def payments(count: int, seed: int = 11, per_second: int = 20, cards: int = 5000):
    """`count` payment events, ~per_second a second from START, a little out of order, amounts 0-500."""
    rng = random.Random(seed)
    for i in range(count):
        at = START + timedelta(microseconds=i * 1_000_000 // per_second + rng.randrange(0, 2_000_000))
        yield {"card_id": f"c{rng.randrange(cards)}", "merchant": f"m{rng.randrange(200)}",
               "amount": round(rng.random() * 500, 2), "country": rng.choice(("US", "FR", "DE", "BR")),
               "ts": at.strftime("%Y-%m-%dT%H:%M:%S") + "Z"}


def write_files(folder: Path, count: int, files: int = 10, seed: int = 11, **kwargs) -> list[Path]:
    """`count` events split over `files` JSON-lines files named in time order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"part-{i:04d}.jsonl" for i in range(files)]
    handles = [p.open("w", encoding="utf-8") for p in paths]
    per_file = -(-count // files)
    for i, event in enumerate(payments(count, seed, **kwargs)):
        handles[i // per_file].write(json.dumps(event) + "\n")
    for handle in handles:
        handle.close()
    return paths


def pipeline_document(threshold: int = 3, condition: str = "amount > 450", window: str = "10 minutes") -> dict:
    """kafka source -> count threshold (one condition) -> Delta sink."""
    return {
        "format": 2, "name": "Backtest bench",
        "nodes": [
            {"id": "payments", "type": "kafka_source", "label": "Payments", "position": {"x": 0, "y": 0},
             "config": {"bootstrap_servers": "broker:9092", "topics": ["payments"], "schema": SCHEMA}},
            {"id": "burst", "type": "count_threshold", "label": "Big payment burst", "position": {"x": 250, "y": 0},
             "config": {"key_columns": ["card_id"], "event_time_column": "ts", "watermark_delay": "1 minute",
                        "condition": condition, "threshold": threshold, "window": window}},
            {"id": "alerts", "type": "delta_table_sink", "label": "Alerts", "position": {"x": 500, "y": 0},
             "config": {"table": "main.bench.bursts"}},
        ],
        "edges": [{"id": "e1", "source": "payments", "target": "burst"},
                  {"id": "e2", "source": "burst", "target": "alerts"}],
    }
