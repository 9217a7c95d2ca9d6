"""Hand-written example rows of the nodes the engine cannot run, each checked row by row on local Spark."""

# The output rows are written from the node's catalogue example config; tests/node_examples/
# test_spark_examples.py (marked spark) runs every example through `lakestream run`'s code on local
# Spark and asserts the output rows are exactly these, so they cannot drift from the generated code.

from __future__ import annotations

from dataclasses import dataclass

from lakestream.node_examples.rows import Rows, at, rows


@dataclass(frozen=True)
class SparkExample:
    inputs: list[tuple[str, Rows]]  # (input port, rows), each read by Spark as one micro-batch
    outputs: dict[str, Rows]  # output port -> rows, in the order shown
    table: Rows | None = None  # the reference table a lookup or stream-static join reads
    note: str = ""


SPARK_EXAMPLES: dict[str, SparkExample] = {
    "custom_stateful_processor": SparkExample(
        inputs=[("in", rows("card_id:string ts:timestamp",
                            ("c1", at("10:00")), ("c2", at("10:01")), ("c1", at("10:02"))))],
        outputs={"out": rows("card_id:string events:bigint", ("c1", 2), ("c2", 1))},
        note="The three events arrive in one micro-batch: the processor is called once per key with its rows."),
    "flatten_explode": SparkExample(
        inputs=[("in", rows("order_id:string line_items:array<struct<sku:string,qty:int>>",
                            ("o1", [{"sku": "A1", "qty": 2}, {"sku": "B7", "qty": 1}]), ("o2", [])))],
        outputs={"out": rows("order_id:string sku:string qty:int", ("o1", "A1", 2), ("o1", "B7", 1))},
        note="o2 has no line items: without outer it gives no row."),
    "lookup_enrichment": SparkExample(
        inputs=[("in", rows("card_id:string merchant:string amount:double",
                            ("c1", "coffee_corner", 4.5), ("c2", "gadget_hub", 899.0), ("c3", "new_shop", 20.0)))],
        table=rows("merchant:string category:string risk_score:double",
                   ("coffee_corner", "cafe", 0.1), ("gadget_hub", "electronics", 0.7)),
        outputs={"out": rows("card_id:string merchant:string amount:double category:string risk_score:double",
                             ("c1", "coffee_corner", 4.5, "cafe", 0.1), ("c2", "gadget_hub", 899.0, "electronics", 0.7),
                             ("c3", "new_shop", 20.0, None, None))},
        note="A left join: new_shop is not in the table, so its columns are NULL."),
    "window_aggregate": SparkExample(
        inputs=[("in", rows("page:string user_id:string load_ms:double ts:timestamp",
                            ("home", "u1", 120.0, at("10:00")), ("home", "u2", 80.0, at("10:02")),
                            ("cart", "u1", 200.0, at("10:03")), ("home", "u1", 100.0, at("10:04")),
                            ("home", "u3", 90.0, at("10:07"))))],
        outputs={"out": rows(
            "window_start:timestamp window_end:timestamp page:string views:bigint visitors:bigint avg_load_ms:double",
            (at("10:00"), at("10:05"), "cart", 1, 1, 200.0), (at("10:00"), at("10:05"), "home", 3, 2, 100.0))},
        note="The watermark (latest event 10:07 minus 1 minute) has passed 10:05, so the first window is "
             "emitted; the window of 10:05 waits for later events."),
    "stream_stream_join": SparkExample(
        inputs=[("left", rows("ad_id:string impression_ts:timestamp", ("a1", at("10:00")), ("a2", at("10:05")))),
                ("right", rows("ad_id:string click_ts:timestamp", ("a1", at("10:20")), ("a3", at("10:30"))))],
        outputs={"out": rows("ad_id:string impression_ts:timestamp right_ad_id:string click_ts:timestamp",
                             ("a1", at("10:00"), "a1", at("10:20")))},
        note="a1 is clicked within the hour. a2's impression has no click yet: a left join emits it with NULL "
             "clicks only once the watermarks pass 11:05 plus the delays; a3's click has no impression."),
    "stream_static_join": SparkExample(
        inputs=[("in", rows("customer_id:string amount:double", ("u1", 120.0), ("u2", 40.0)))],
        table=rows("customer_id:string segment:string credit_limit:double", ("u1", "gold", 5000.0),
                   ("u9", "silver", 1000.0)),
        outputs={"out": rows("customer_id:string amount:double segment:string credit_limit:double",
                             ("u1", 120.0, "gold", 5000.0), ("u2", 40.0, None, None))}),
    "custom_python_udf": SparkExample(
        inputs=[("in", rows("merchant:string", ("Coffee Corner #12",), ("gadget-hub",), (None,)))],
        outputs={"out": rows("merchant:string merchant_clean:string", ("Coffee Corner #12", "COFFEE CORNER"),
                             ("gadget-hub", "GADGETHUB"), (None, None))}),
    "ml_model_endpoint": SparkExample(
        inputs=[("in", rows("amount:double merchant:string country:string", (899.0, "gadget_hub", "NL"),
                            (4.5, "coffee_corner", "NL")))],
        outputs={"out": rows("amount:double merchant:string country:string fraud_score:double",
                             (899.0, "gadget_hub", "NL", 0.0), (4.5, "coffee_corner", "NL", 0.0))},
        note="Run locally, where no serving endpoint answers: every score is the fallback 0.0. On Databricks "
             "the column holds the endpoint's answer per row."),
    "data_quality": SparkExample(
        inputs=[("in", rows("card_id:string amount:double ts:timestamp", ("c1", 50.0, at("10:00")),
                            ("c2", -5.0, at("10:01")), ("c3", 0.0, at("10:02"))))],
        outputs={"out": rows("card_id:string amount:double ts:timestamp", ("c1", 50.0, at("10:00")))},
        note="positive_amount drops c2 and c3 (to the quarantine table); known_card holds for every row; "
             "recent only counts the old rows as warnings."),
    "sql_transform": SparkExample(
        inputs=[("in", rows("page:string ts:timestamp", ("home", at("10:00")), ("home", at("10:02")),
                            ("cart", at("10:03")), ("home", at("10:07"))))],
        outputs={"out": rows("page:string views:bigint", ("cart", 1), ("home", 2))},
        note="The query counts views per page in 5-minute windows; the watermark (latest event 10:07 minus "
             "1 minute) has passed 10:05, so the first window is emitted; the one of 10:05 waits."),
}
