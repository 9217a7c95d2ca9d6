"""Example input rows of the nodes the pattern engine runs; their output rows are computed, never written."""

# Each entry is a list of (input port, rows); a port listed twice gets two edges (a union's inputs). The
# rows fit the node's catalogue example config, in event-time order, and the last rows move the watermark
# far enough for timers (timeouts, session gaps, heartbeats) to fire, as a later micro-batch would in Spark.

from __future__ import annotations

from lakestream.node_examples.rows import Rows, at, rows

PAYMENTS = "card_id:string amount:double ts:timestamp"

ENGINE_INPUTS: dict[str, list[tuple[str, Rows]]] = {
    "sequence_detector": [("in", rows(
        PAYMENTS,
        ("c1", 4.5, at("10:00")), ("c2", 2.0, at("10:01")), ("c1", 120.0, at("10:05")), ("c1", 899.0, at("10:20")),
        ("c2", 950.0, at("11:30"))))],
    "absence_detector": [("in", rows(
        "customer_id:string status:string ts:timestamp",
        ("u1", "add_to_cart", at("10:00")), ("u2", "add_to_cart", at("10:05")), ("u1", "purchase", at("10:20")),
        ("u3", "browse", at("11:30"))))],
    "count_threshold": [("in", rows(
        "card_id:string status:string ts:timestamp",
        ("c1", "failed", at("10:00")), ("c1", "failed", at("10:01")), ("c2", "failed", at("10:01")),
        ("c1", "failed", at("10:02")), ("c1", "ok", at("10:03")), ("c1", "failed", at("10:04")),
        ("c1", "failed", at("10:05")), ("c3", "ok", at("10:30"))))],
    "velocity_detector": [("in", rows(
        PAYMENTS,
        ("c1", 2600.0, at("10:00")), ("c2", 40.0, at("10:00:30")), ("c1", 2800.0, at("10:01")),
        ("c2", 60.0, at("10:02"))))],
    "geofence": [("in", rows(
        "card_id:string lat:double lon:double ts:timestamp",
        ("c1", 52.4, 4.9, at("10:00")), ("c1", 52.371, 4.901, at("10:05")), ("c2", 52.5, 4.8, at("10:05")),
        ("c1", 52.372, 4.902, at("10:06"))))],
    "temporal_correlation": [
        ("a", rows("card_id:string status:string ts:timestamp",
                   ("c1", "failed", at("10:00")), ("c2", "failed", at("10:00")))),
        ("b", rows(PAYMENTS, ("c1", 250.0, at("10:04")), ("c2", 300.0, at("10:30")),
                   ("c3", 20.0, at("10:40")))),
    ],
    "trend_detector": [("in", rows(
        "card_id:string temperature:double ts:timestamp",
        ("c1", 20.0, at("10:00")), ("c1", 21.5, at("10:01")), ("c2", 30.0, at("10:01")),
        ("c1", 23.0, at("10:02")), ("c1", 22.0, at("10:03"))))],
    "outlier_detector": [("in", rows(
        PAYMENTS,
        *[("c1", amount, at(f"10:{3 * i:02d}")) for i, amount in enumerate((10.0, 12.0, 9.0, 11.0, 10.0, 12.0,
                                                                           11.0, 9.0, 10.0, 11.0))],
        ("c1", 250.0, at("10:30")), ("c1", 11.5, at("10:33"))))],
    "session_detector": [("in", rows(
        "customer_id:string page:string ts:timestamp",
        ("u1", "home", at("10:00")), ("u1", "cart", at("10:10")), ("u2", "home", at("10:20")),
        ("u1", "pay", at("10:25")), ("u1", "home", at("11:30"))))],
    "deduplication": [("in", rows(
        "card_id:string merchant:string amount:double ts:timestamp",
        ("c1", "shop_a", 20.0, at("10:00")), ("c1", "shop_a", 20.0, at("10:03")), ("c1", "shop_b", 5.0, at("10:04")),
        ("c1", "shop_a", 20.0, at("10:20"))))],
    "state_machine": [("in", rows(
        "customer_id:string status:string ts:timestamp",
        ("u1", "open", at("10:00")), ("u2", "open", at("10:05")), ("u1", "close", at("10:10")),
        ("u3", "open", at("11:30"))))],
    "heartbeat_monitor": [("in", rows(
        "card_id:string ts:timestamp",
        ("c1", at("10:00")), ("c2", at("10:00")), ("c1", at("10:05")), ("c2", at("10:05")), ("c2", at("10:10")),
        ("c2", at("10:15")), ("c1", at("10:16")), ("c2", at("10:20"))))],
    "match_recognize": [("in", rows(
        "symbol:string price:double ts:timestamp",
        ("ACME", 10.0, at("10:00")), ("ACME", 9.0, at("10:01")), ("ACME", 8.0, at("10:02")),
        ("ACME", 9.5, at("10:03")), ("ACME", 11.0, at("10:04")), ("ACME", 10.5, at("10:05")),
        ("ACME", 10.0, at("10:30"))))],
    "filter": [("in", rows(
        "card_id:string amount:double country:string",
        ("c1", 1500.0, "DE"), ("c2", 2000.0, "US"), ("c3", 50.0, "FR"), ("c4", 1200.0, None)))],
    "map_select": [("in", rows(
        "card_id:string amount:double fx_rate:double country:string ts:timestamp",
        ("c1", 100.0, 0.92, "de", at("10:00")), ("c2", 12.5, 1.0, "fr", at("10:01"))))],
    "rename_cast": [("in", rows(
        "evt_ts:string amt:string qty:string",
        ("2024-05-01T10:00:00", "19.999", "3"), ("2024-05-01T10:01:30", "5", "x")))],
    "split_router": [("in", rows(
        "severity:string amount:double",
        ("critical", 20.0), ("low", 15000.0), ("low", 30.0), ("critical", 12000.0)))],
    "union_merge": [
        ("in", rows("card_id:string amount:double", ("c1", 10.0), ("c2", 20.0))),
        ("in", rows("amount:double card_id:string", (30.0, "c3"),)),
    ],
    "watermark": [("in", rows(PAYMENTS, ("c1", 10.0, at("10:00")), ("c2", 20.0, at("10:01"))))],
}
