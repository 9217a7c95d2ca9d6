"""The backtracking row-pattern matcher: the first match by preferment from each start row. Standard library only.

The pattern tree is compiled, once per partition run, into continuation-passing closures: each node tries
its alternatives in preferment order (greedy: one more iteration first; reluctant: leave first;
alternation: left to right) and calls the continuation with the next row. DEFINE predicates run as each
row is labelled, so they see running semantics. The first complete path is the match.
"""

from __future__ import annotations

import sys

try:  # shipped beside generated code, the PATTERN parser sits in this package
    from .pattern import Alt, Anchor, Empty, Exclude, Permute, Quant, Seq, Var
except ImportError:  # inside lakestream it is MATCH_RECOGNIZE's SQL layer
    from lakestream.rowpattern.pattern import Alt, Anchor, Empty, Exclude, Permute, Quant, Seq, Var
from .runtime import NeedMore

# Each matched row costs a few Python frames; allow long matches (3.11 frames are cheap, not C stack).
_RECURSION = 200_000


class MatchError(Exception):
    """A run-time error the standard requires (e.g. AFTER MATCH SKIP to the first row of the match)."""


def _build(tree, var_ids, defines, R, T, within, final, horizon, at_origin, max_steps=None):
    """Return attempt(s, mn) -> (end, labels, excluded) | None for the rows R of one partition."""
    n = len(R)
    L: list[int] = []
    X: list[bool] = []
    S = [0, 0, 0, None, 0]  # start row, match number, exclusion depth, end of the found match, rows tested

    def at_end():
        if final:
            return False
        if within is not None and horizon is not None and horizon - T[S[0]] >= within:
            return False  # later rows come after the watermark, outside WITHIN: this path is over
        raise NeedMore

    def var(vi, define):
        def m(pos, k):
            if pos >= n:
                return at_end()
            if within is not None and T[pos] - T[S[0]] > within:
                return False
            S[4] += 1
            if max_steps is not None and S[4] > max_steps:
                raise MatchError(f"the pattern backtracks too much: more than {max_steps:,} row tests for a match "
                                 f"starting at row {S[0] + 1} of its partition (a nested quantifier like (A|A)* or "
                                 "(A+)+?); simplify the pattern")
            L.append(vi)
            X.append(S[2] > 0)
            if (define is None or define(R, L, S[0], pos, pos, S[1]) is True) and k(pos + 1):
                return True
            L.pop()
            X.pop()
            return False
        return m

    def seq(items):
        def chain(head, rest):
            return lambda pos, k: head(pos, lambda p: rest(p, k))
        matcher = items[-1]
        for head in reversed(items[:-1]):  # a loop, not recursion: a PATTERN may list thousands of variables
            matcher = chain(head, matcher)
        return matcher

    def alt(options):
        def m(pos, k):
            for option in options:
                if option(pos, k):
                    return True
            return False
        return m

    def quant(body, low, high, greedy):
        def loop(pos, k, count):
            def again(p):
                if p == pos and count >= low:
                    return False  # an empty iteration past the minimum would loop for ever
                return loop(p, k, count + 1)
            more = high is None or count < high
            if greedy:
                return (more and body(pos, again)) or (count >= low and k(pos))
            return (count >= low and k(pos)) or (more and body(pos, again))
        return lambda pos, k: loop(pos, k, 0)

    def exclude(body):
        def m(pos, k):
            S[2] += 1

            def leave(p):
                S[2] -= 1
                if k(p):
                    return True
                S[2] += 1
                return False
            if body(pos, leave):
                return True
            S[2] -= 1
            return False
        return m

    def anchor(kind):
        if kind == "^":
            return lambda pos, k: at_origin and pos == 0 and k(pos)

        def end(pos, k):
            if pos < n:
                return False
            if not final:
                raise NeedMore
            return k(pos)
        return end

    def compile_node(node):
        if isinstance(node, Var):
            return var(var_ids[node.name], defines[var_ids[node.name]])
        if isinstance(node, Seq):
            return seq([compile_node(i) for i in node.items])
        if isinstance(node, Alt):
            return alt([compile_node(o) for o in node.options])
        if isinstance(node, Permute):
            return compile_node(node.expand())
        if isinstance(node, Quant):
            return quant(compile_node(node.body), node.min, node.max, node.greedy)
        if isinstance(node, Exclude):
            return exclude(compile_node(node.body))
        if isinstance(node, Anchor):
            return anchor(node.kind)
        if isinstance(node, Empty):
            return lambda pos, k: k(pos)
        raise TypeError(f"unknown pattern node {node!r}")

    root = compile_node(tree)

    def done(p):
        S[3] = p
        return True

    def attempt(s, mn):
        S[0], S[1], S[2], S[3], S[4] = s, mn, 0, None, 0
        L.clear()
        X.clear()
        if root(s, done):
            return S[3], list(L), list(X)
        return None

    return attempt


class Matcher:
    """Runs a compiled pattern over partitions; `skip` is (mode, variable ids or None)."""

    def __init__(self, tree, var_ids, defines, skip, within=None, max_steps=None):
        self.max_steps = max_steps  # row tests per attempt (None: unbounded, as on Spark); replay bounds them
        self.tree = tree
        self.var_ids = var_ids
        self.defines = defines
        self.skip_mode, self.skip_vars, self.skip_text = skip
        self.within = within

    def run(self, R, pos, mn, covered, on_match, on_unmatched, *, T=None, final=True, horizon=None,
            at_origin=True):
        """Match from row `pos` on; return (rows out, next pos, last match number, covered-until).

        Stops early (without consuming the undecided attempt) when streaming needs more rows.
        `covered` is the end of the furthest match so far: rows before it are not "unmatched".
        """
        attempt = _build(self.tree, self.var_ids, self.defines, R, T, self.within, final, horizon, at_origin,
                         self.max_steps)
        out: list = []
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, _RECURSION))
        try:
            while pos < len(R):
                try:
                    found = attempt(pos, mn + 1)
                    if found is None:
                        rows = on_unmatched(pos) if pos >= covered else []
                    else:
                        rows = on_match(pos, found[0], found[1], found[2], mn + 1)
                except NeedMore:
                    break
                out.extend(rows)
                if found is None:
                    pos += 1
                    continue
                end = found[0]
                mn += 1
                covered = max(covered, end, pos + 1)
                pos = pos + 1 if end == pos else self._skip(pos, end, found[1], mn)
        except RecursionError:
            raise MatchError("a match grew too long for the matcher; bound it with a quantifier maximum "
                             "or WITHIN") from None
        finally:
            sys.setrecursionlimit(old_limit)
        return out, pos, mn, covered

    def _skip(self, s, end, labels, mn):
        if self.skip_mode == "PAST LAST ROW":
            return end
        if self.skip_mode == "TO NEXT ROW":
            return s + 1
        hits = [s + i for i, v in enumerate(labels) if v in self.skip_vars]
        if not hits:
            raise MatchError(f"AFTER MATCH SKIP {self.skip_text}: match {mn} has no row mapped to it "
                             "(the standard's 'skip to non-existent row')")
        target = hits[0] if self.skip_mode == "TO FIRST" else hits[-1]
        if target == s:
            raise MatchError(f"AFTER MATCH SKIP {self.skip_text}: match {mn} would resume at its own first row "
                             "(the standard's 'skip to first row of match'; it would loop for ever)")
        return target
