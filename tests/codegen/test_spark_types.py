"""The Spark type grammar (nodes/spark_types.py) and the filters that write types, names and literals into code."""

from __future__ import annotations

import pytest

from lakestream.sparksql.escape import comment, expr, ident, spark_type, sql
from lakestream.sparksql.parse import ExpressionError, parse_expression
from lakestream.sparksql.types import (
    INTEGRAL, MAX_DEPTH, SparkTypeError, array_element, canonical, columns_text, map_types, parse_type, struct_fields,
)
from tests.codegen.injection_corpus import TYPE_PAYLOAD

CANONICAL = {
    "string": "string", "LONG": "bigint", "Integer": "int", "short": "smallint", "byte": "tinyint", "real": "float",
    "timestamp_ntz": "timestamp_ntz", " double ": "double", "decimal": "decimal(10,0)", "DEC(5)": "decimal(5,0)",
    "numeric(12, 2)": "decimal(12,2)", "array<struct<sku:string,qty:int>>": "array<struct<sku:string,qty:int>>",
    "map<string, array<long>>": "map<string,array<bigint>>", "struct<a int, b: decimal(3,1)>": "struct<a:int,b:decimal(3,1)>",
    "struct<`a b`:int,`c``d`:string>": "struct<`a b`:int,`c``d`:string>", "struct<>": "struct<>",
    "array<string>\u2028": "array<string>", "timestamp_ltz": "timestamp",
}


@pytest.mark.parametrize("text", CANONICAL)
def test_types_are_kept_in_canonical_form(text):
    assert canonical(text) == CANONICAL[text]
    assert canonical(CANONICAL[text]) == CANONICAL[text]  # idempotent


REFUSED = {
    TYPE_PAYLOAD: "unexpected ')' at position 14",
    "int garbage": "unexpected 'garbage' at position 5",
    "array<int": "it ends too early",
    "int -- x": "unexpected '-' at position 5",
    "int; DROP TABLE x": "unexpected ';' at position 4",
    "map<string>": "expected ','",
    "decimal(40,2)": "precision ≤ 38",
    "decimal(3,5)": "scale ≤ precision",
    "varchar(10)": "'varchar' is not a type name",  # Spark refuses it in from_json and source schemas
    "text": "'text' is not a type name",
    "struct<`a${x}`:int>": "contains '${'",
    "struct<`a\nb`:int>": "control characters or line breaks",
    "struct<a:int,a:string>": "appears twice",
    "struct<a:int not null>": "expected ',' at position 14, found 'not'",
    "": "the type is empty",
    "array<" * (MAX_DEPTH + 2) + "int" + ">" * (MAX_DEPTH + 2): f"nests more than {MAX_DEPTH} levels",
}


@pytest.mark.parametrize("text", REFUSED, ids=range(len(REFUSED)))
def test_what_is_not_a_type_is_refused_saying_where(text):
    with pytest.raises(SparkTypeError) as error:
        parse_type(text)
    assert REFUSED[text] in str(error.value) and "use string, int, bigint" in str(error.value)


def test_code_writes_types_from_the_tree_with_every_field_name_backticked():
    assert spark_type("struct<a:int,`b c`:array<LONG>>") == "struct<`a`:int,`b c`:array<bigint>>"
    assert spark_type("decimal(12, 2)") == "decimal(12,2)"
    with pytest.raises(SparkTypeError):
        spark_type(TYPE_PAYLOAD)  # even if validation were bypassed, no text reaches the code


def test_type_helpers_read_the_tree():
    assert INTEGRAL[:4] == ("tinyint", "smallint", "int", "bigint") and "long" in INTEGRAL
    assert array_element("array<struct<a:int>>") == "struct<a:int>"
    assert map_types("map<string,array<int>>") == ("string", "array<int>")
    assert struct_fields("struct<`x y`:int,b:string>") == (("x y", "int"), ("b", "string"))
    assert array_element("array<int") is None and struct_fields("int") is None


def test_column_lists_are_re_rendered():
    assert columns_text("amount DOUBLE,  a.b long") == "amount double, a.b bigint"
    assert columns_text("`a b`.c int", quote_all=True) == "`a b`.`c` int"
    for bad in ["amount double; DROP TABLE x", "`a${x}` int", "amount", "amount double,"]:
        with pytest.raises(SparkTypeError):
            columns_text(bad)


def test_dollar_braces_never_reach_sql_text():
    assert expr("merchant = '${x}'") == "merchant = '\\u0024{x}'"
    assert expr("merchant = 'x\\u0024{y}'") == "merchant = 'x\\u0024{y}'"  # sqlglot reads \u0024 as $: re-escaped
    assert expr("amount > 1 /* ${x} */") == "amount > 1"
    assert expr("merchant = 'a\u2028b'") == "merchant = 'a\\u2028b'"
    assert expr("merchant = 'plain'") == "merchant = 'plain'"  # literals without $ keep sqlglot's rendering
    assert sql("${x}\u0085") == "'\\u0024{x}\\u0085'"
    assert comment("Orders ${env:HOME}") == "Orders $ {env:HOME}"
    with pytest.raises(ValueError, match=r"contains '\$\{'"):
        ident("a${b}")


@pytest.mark.parametrize("text", ["${x}", "merchant = ${x}", "merchant = $1", "merchant = @x", "merchant = ?",
                                  "merchant = :x", "`a${x}` = 1", "s.`${x}` > 0"])
def test_expressions_refuse_parameters_and_variable_names(text):
    with pytest.raises(ExpressionError, match="parameter or variable|contains '\\$\\{'"):
        parse_expression(text)


@pytest.mark.parametrize("text", ["amount > (SELECT max(salary) FROM main.hr.salaries)",
                                  "card_id IN (SELECT card_id FROM main.fraud.blocked)",
                                  "EXISTS (SELECT 1 FROM main.hr.salaries)",
                                  "coalesce((SELECT 1), amount) > 0"])
def test_expressions_refuse_subqueries_that_would_read_another_table(text):
    with pytest.raises(ExpressionError, match="subquery"):
        parse_expression(text)


@pytest.mark.spark
def test_sparks_own_type_parser_reads_every_rendering_as_the_same_type(spark):
    parser = spark._jsparkSession.sessionState().sqlParser()
    for text, expected in CANONICAL.items():
        parsed = parser.parseDataType(spark_type(text))
        assert parsed.catalogString() == parser.parseDataType(expected).catalogString()
        if "`" not in expected:  # Spark's catalogString does not quote names
            assert parsed.catalogString() == expected, text
