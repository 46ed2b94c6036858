"""Fit the matching model's weights (``lgds_components.address.weights``) on generated pairs.

Usage (from the repository root, with the package installed)::

    python benchmarks/train_match_weights.py            # fit, report, print the weights
    python benchmarks/train_match_weights.py --hand     # only report the weights shipped

What it does, all on data the benchmark never sees:

1. builds a gazetteer of ``--addresses`` synthetic addresses (default
   200,000) with the sample generator, seed 7 (the benchmark's is seed 1);
2. writes ``--queries`` messy cases (default 20,000) in each tuning style
   (``typed`` and ``council``), seed 1 (the benchmark's is seed 2; the
   ``mixed`` style is never used here);
3. for each case, fetches the candidates as ``Gazetteer.decide`` does (with
   the shipped weights deciding when to widen) and keeps the best ten, each with its agreement
   features and a label (is it the address the case was made from);
4. fits an L2-regularised logistic regression by Newton's method over the
   distinct feature vectors (pairs with the same features are counted
   together);
5. reports precision, recall and non-existent refused per style from
   ``Gazetteer.decide`` itself, with search's hand-set penalties on the same
   features and with the fitted weights, at a sweep of thresholds, and prints
   the fitted weights as Python to paste into ``weights.py``.

Pure Python (no numpy): the distinct vectors number a few thousand.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache" / "match"
GAZETTEER_SEED = 7
QUERY_SEED = 1
STYLES = ("typed", "council")
KEEP = 10
L2 = 0.5


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build(addresses: int) -> Path:
    """The training gazetteer (cached)."""
    from lgds_components.address import Gazetteer
    from lgds_components.address.sample import write_csv

    CACHE.mkdir(parents=True, exist_ok=True)
    source = CACHE / f"train-addresses-{addresses}-seed{GAZETTEER_SEED}.csv"
    if not source.exists():
        write_csv(source, addresses, GAZETTEER_SEED)
    target = CACHE / f"train-gazetteer-{addresses}-seed{GAZETTEER_SEED}.sqlite"
    _log(f"loading {addresses:,} training addresses ...")
    Gazetteer.load(target, source)
    return target


def examples(path: Path, style: str, count: int) -> list[tuple[Any, Any, list[Any]]]:
    """(case, query, ranked candidates) for ``count`` cases of ``style``."""
    sys.path.insert(0, str(HERE))
    from bench_match import population

    from lgds_components.address import Gazetteer, matching, ranking, scoring
    from lgds_components.address.messy import messy_cases

    everyone = population(path)
    out = []
    with Gazetteer.open(path, readonly=True) as gazetteer:
        picked = gazetteer.sample_addresses(count, seed=QUERY_SEED)
        # the front's own steps, to keep every candidate's agreement (decide keeps three)
        with gazetteer._store.reading() as session:
            for case in messy_cases(picked, count, seed=QUERY_SEED, style=style,
                                    population=everyone):
                query = ranking.parse(case.text, session, prefix=False)
                if query.uprn is not None:
                    query = scoring.Query(numbers=(str(query.uprn),))
                ranked = matching.ranked(query, session.candidate_keys,
                                         threshold=ranking.DEFAULT_THRESHOLD)
                out.append((case, query, ranked))
    return out


def vectors(data: list[tuple[Any, Any, list[Any]]]) -> dict[tuple[tuple[str, float], ...],
                                                              list[int]]:
    """Distinct feature vectors with [positives, negatives] counts."""
    from lgds_components.address.weights import active

    counts: dict[tuple[tuple[str, float], ...], list[int]] = defaultdict(lambda: [0, 0])
    for case, _, ranked in data:
        for item in ranked[:KEEP]:
            key = tuple(sorted((name, round(value, 3)) for name, value in
                               active(item.agreement)))
            counts[key][0 if item.row[0] == case.uprn else 1] += 1
    return counts


def fit(counts: dict[tuple[tuple[str, float], ...], list[int]],
        names: Sequence[str]) -> tuple[float, dict[str, float]]:
    """L2 logistic regression by Newton's method; returns (intercept, weights)."""
    index = {name: position + 1 for position, name in enumerate(names)}
    size = len(names) + 1
    rows = [([(0, 1.0), *((index[name], value) for name, value in key)], pos, neg)
            for key, (pos, neg) in counts.items()]
    beta = [0.0] * size
    for iteration in range(30):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        loss = 0.0
        for features, pos, neg in rows:
            z = sum(beta[i] * v for i, v in features)
            p = 1.0 / (1.0 + math.exp(-max(-35.0, min(35.0, z))))
            total = pos + neg
            loss -= pos * math.log(max(p, 1e-15)) + neg * math.log(max(1 - p, 1e-15))
            g = total * p - pos
            h = total * p * (1 - p)
            for i, v in features:
                gradient[i] += g * v
                for j, w in features:
                    hessian[i][j] += h * v * w
        for i in range(1, size):
            gradient[i] += L2 * beta[i]
            hessian[i][i] += L2
            loss += 0.5 * L2 * beta[i] ** 2
        step = _solve(hessian, gradient)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
        _log(f"  iteration {iteration}: loss {loss:,.1f}")
        if max(abs(s) for s in step) < 1e-6:
            break
    return beta[0], {name: beta[index[name]] for name in names}


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Solve ``matrix @ x = vector`` by Gaussian elimination with partial pivoting."""
    size = len(vector)
    a = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for column in range(size):
        pivot = max(range(column, size), key=lambda r: abs(a[r][column]))
        a[column], a[pivot] = a[pivot], a[column]
        if abs(a[column][column]) < 1e-12:
            a[column][column] = 1e-12
        for r in range(column + 1, size):
            factor = a[r][column] / a[column][column]
            if factor:
                for c in range(column, size + 1):
                    a[r][c] -= factor * a[column][c]
    x = [0.0] * size
    for r in range(size - 1, -1, -1):
        x[r] = (a[r][size] - sum(a[r][c] * x[c] for c in range(r + 1, size))) / a[r][r]
    return x


def _hand_log_odds(found: Any) -> float:
    """Search's hand-weighted score of an agreement, as log-odds."""
    from lgds_components.address.scoring import hand_score

    value = min(max(hand_score(found), 1e-6), 1 - 1e-6)
    return math.log(value / (1 - value))


def decisions(path: Path, cases: list[Any], intercept: float, weights: dict[str, float],
              threshold: float, *, hand: bool = False) -> Counter[str]:
    """Counts of right, wrong, missed, refused (non-existent) and accepted-non-existent,
    from ``Gazetteer.decide`` itself with these weights in place (with ``hand``,
    search's hand-set penalties instead of the model)."""
    from lgds_components.address import Gazetteer, matching
    from lgds_components.address import weights as model

    tally: Counter[str] = Counter()
    shipped = model.INTERCEPT, dict(model.WEIGHTS), matching.log_odds
    model.INTERCEPT, model.WEIGHTS = intercept, weights
    if hand:
        matching.log_odds = _hand_log_odds  # type: ignore[assignment]
    try:
        with Gazetteer.open(path, readonly=True, threshold=threshold) as gazetteer:
            for case, found in zip(cases, gazetteer.match_many(c.text for c in cases),
                                   strict=True):
                best = None if found is None else found.uprn
                if case.uprn is None:
                    tally["refused" if best is None else "accepted missing"] += 1
                elif best is None:
                    tally["missed"] += 1
                else:
                    tally["right" if best == case.uprn else "wrong"] += 1
    finally:
        model.INTERCEPT, model.WEIGHTS, matching.log_odds = shipped
    return tally


def report(name: str, tally: Counter[str]) -> str:
    answered = tally["right"] + tally["wrong"] + tally["accepted missing"]
    positives = tally["right"] + tally["wrong"] + tally["missed"]
    negatives = tally["refused"] + tally["accepted missing"]
    precision = tally["right"] / answered if answered else 1.0
    recall = tally["right"] / positives if positives else 1.0
    refused = tally["refused"] / negatives if negatives else 1.0
    return f"{name}: precision {precision:.4f} recall {recall:.4f} refused {refused:.1%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--hand", action="store_true",
                        help="report the shipped weights only (no fit)")
    parser.add_argument("--thresholds", type=lambda text: tuple(map(float, text.split(","))),
                        default=(0.5, 0.6, 0.7, 0.8),
                        help="thresholds to report the fitted or shipped weights at "
                             "(comma-separated; default 0.5,0.6,0.7,0.8)")
    args = parser.parse_args()

    from lgds_components.address import matching, ranking
    from lgds_components.address.weights import FEATURES, INTERCEPT, WEIGHTS

    started = time.perf_counter()
    path = build(args.addresses)
    data = {}
    for style in STYLES:
        _log(f"making {args.queries:,} {style} cases and their candidates ...")
        data[style] = examples(path, style, args.queries)
    shipped = (INTERCEPT, dict(WEIGHTS))
    fitted = shipped
    if not args.hand:
        counts: dict[tuple[tuple[str, float], ...], list[int]] = defaultdict(lambda: [0, 0])
        for style in STYLES:
            for key, (pos, neg) in vectors(data[style]).items():
                counts[key][0] += pos
                counts[key][1] += neg
        _log(f"fitting on {len(counts):,} distinct vectors ...")
        fitted = fit(counts, FEATURES)
    sweeps = (("hand penalties", shipped, (0.5, 0.8, 0.9)),
              ("fitted", fitted, args.thresholds))
    if args.hand:
        sweeps = (("shipped", shipped, args.thresholds),)
    for label, (intercept, weights), thresholds in sweeps:
        for threshold in thresholds:
            line = "; ".join(
                report(style, decisions(path, [case for case, _, _ in data[style]], intercept,
                                        weights, threshold, hand=label == "hand penalties"))
                for style in STYLES)
            print(f"{label} threshold {threshold} margin {matching.MARGIN}: {line}", flush=True)
    intercept, weights = fitted
    print(f"\nINTERCEPT = {intercept:.3f}\nWEIGHTS: dict[str, float] = {{")
    for name in FEATURES:
        print(f'    "{name}": {weights[name]:.3f},')
    print("}")
    _log(f"{time.perf_counter() - started:.0f} s; default threshold {ranking.DEFAULT_THRESHOLD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
