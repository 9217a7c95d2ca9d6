"""The hand-written cases (cases/*.yaml) replayed in batch: exact output rows, or the standard's errors."""

from __future__ import annotations

import pytest

from lakestream.cep.match_recognize.replay import replay_match_recognize
from lakestream.errors import UserError
from tests.match_recognize.cases import config_of, load_cases, rows_of

CASES = load_cases()


def test_there_are_at_least_80_cases():
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES)
def test_case(case):
    _, rows = rows_of(case)
    if "error" in case:
        with pytest.raises(UserError) as caught:
            replay_match_recognize(config_of(case), rows)
        assert case["error"] in str(caught.value)
        return
    columns, out = replay_match_recognize(config_of(case), rows)
    assert [list(r) for r in out] == case["expect"], columns
