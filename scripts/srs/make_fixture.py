#!/usr/bin/env python3
"""Makes the py-fsrs reference fixture that `shared/tests/srs_fixture.rs` checks our scheduler against.

Seeded random review sequences (same-day repeats, reviews on time, early and late, long gaps,
lapses, every rating; custom parameters and desired retention 0.8-0.95 on some lines, and a few
lines that push stability past the crate's 36,500-day cap) are run through py-fsrs's `Scheduler`
with the learning steps the issue names and fuzzing off. Writes, in shared/tests/fixtures/:

- srs_py_fsrs_input.jsonl: the input of `cargo xtask srs replay`, one card per line:
  {"id", "params"?: [21 floats], "desired_retention"?, "reviews": [{"t": RFC 3339, "rating": 1-4}]}
- srs_py_fsrs_expected.jsonl: a header line naming the generator, its seed and the py-fsrs version,
  then per card what `replay` must print: {"id", "results": [{"state", "step", "stability",
  "difficulty", "due", "scheduled_days", "retrievability_before"}]}

Regenerate (README, "Spaced repetition"):
    python3 -m venv /tmp/pyfsrs && /tmp/pyfsrs/bin/pip install 'fsrs>=6,<7'
    /tmp/pyfsrs/bin/python scripts/srs/make_fixture.py
The output is deterministic for one py-fsrs version and seed.
"""

from __future__ import annotations

import importlib.metadata
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import (
    DEFAULT_PARAMETERS,
    LOWER_BOUNDS_PARAMETERS,
    UPPER_BOUNDS_PARAMETERS,
)

SEED = 19
RANDOM_LINES = 300
CAP_LINES = 6
LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
MAXIMUM_INTERVAL = 36500
OUT = Path(__file__).resolve().parents[2] / "shared" / "tests" / "fixtures"
STATE_NAMES = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}


def rfc3339(moment: datetime) -> str:
    """The wire format: UTC with milliseconds and a Z (2026-11-29T20:18:17.123Z)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def significant(value: float | None) -> float | None:
    """Nine significant digits: far finer than the test's 1e-3, and a smaller file."""
    return None if value is None else float(f"{value:.9g}")


def custom_parameters(rng: random.Random) -> list[float]:
    """The defaults each scaled by 0.75-1.25, kept inside py-fsrs's bounds, 4 decimals."""
    params = []
    for default, low, high in zip(DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS):
        value = round(default * rng.uniform(0.75, 1.25), 4)
        params.append(min(max(value, low), high))
    return params


def next_time(rng: random.Random, card: Card, last: datetime) -> datetime:
    """When the learner comes back: on time, early, late, the same day or after a long gap."""
    wait = card.due - last
    roll = rng.random()
    if roll < 0.15:  # same day, minutes later (the short-term formula in every state)
        later = timedelta(minutes=rng.randint(1, 300), seconds=rng.randint(0, 59))
    elif roll < 0.30:  # exactly when due
        later = wait
    elif roll < 0.70:  # around when due: a little early or late
        later = wait * rng.uniform(0.7, 1.6)
    elif roll < 0.85:  # long gap
        later = timedelta(days=rng.randint(30, 1500), seconds=rng.randint(0, 86399))
    else:  # well before due
        later = wait * rng.uniform(0.05, 0.5)
    later += timedelta(milliseconds=rng.randint(0, 999))
    return last + max(later, timedelta(seconds=1))


def run(scheduler: Scheduler, start: datetime, plan) -> tuple[list[dict], list[dict]]:
    """Reviews a new card created at `start`; `plan(card, last)` gives (time, rating) or None."""
    card = Card(card_id=1, due=start)
    reviews, results = [], []
    last = start
    while (step := plan(card, last)) is not None:
        at, rating = step
        before = (
            scheduler.get_card_retrievability(card, current_datetime=at)
            if card.last_review is not None
            else None
        )
        card, _ = scheduler.review_card(card, rating, review_datetime=at)
        scheduled_days = (card.due - at).days if card.state == State.Review else 0
        reviews.append({"t": rfc3339(at), "rating": int(rating)})
        results.append(
            {
                "state": STATE_NAMES[card.state],
                "step": card.step,
                "stability": significant(card.stability),
                "difficulty": significant(card.difficulty),
                "due": rfc3339(card.due),
                "scheduled_days": scheduled_days,
                "retrievability_before": significant(before),
            }
        )
        last = at
    return reviews, results


def main() -> None:
    rng = random.Random(SEED)
    inputs, expected = [], []

    def scheduler(params, retention) -> Scheduler:
        return Scheduler(
            parameters=params or DEFAULT_PARAMETERS,
            desired_retention=retention or 0.9,
            learning_steps=LEARNING_STEPS,
            relearning_steps=RELEARNING_STEPS,
            maximum_interval=MAXIMUM_INTERVAL,
            enable_fuzzing=False,
        )

    def add(line_id, params, retention, start, plan) -> None:
        reviews, results = run(scheduler(params, retention), start, plan)
        line = {"id": line_id}
        if params:
            line["params"] = params
        if retention:
            line["desired_retention"] = retention
        line["reviews"] = reviews
        inputs.append(line)
        expected.append({"id": line_id, "results": results})

    def start_time() -> datetime:
        return datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(
            seconds=rng.randint(0, 3 * 365 * 86400), milliseconds=rng.randint(0, 999)
        )

    for n in range(RANDOM_LINES):
        params = custom_parameters(rng) if rng.random() < 0.25 else None
        retention = round(rng.uniform(0.8, 0.95), 2) if rng.random() < 0.25 else None
        count = rng.randint(1, 14)
        weights = [0.2, 0.15, 0.5, 0.15] if rng.random() < 0.8 else [0.45, 0.2, 0.25, 0.1]

        state = {"left": count, "first": True}

        def plan(card, last, state=state, weights=weights):
            if state["left"] == 0:
                return None
            state["left"] -= 1
            if state["first"]:
                state["first"] = False
                at = last
            else:
                at = next_time(rng, card, last)
            return at, Rating(rng.choices([1, 2, 3, 4], weights=weights)[0])

        add(f"random-{n:03d}", params, retention, start_time(), plan)

    # Easy (and some Good) on time, late, then on time again: stability passes 36,500 days
    # within a few reviews, where py-fsrs keeps growing and the crate stops.
    for n in range(CAP_LINES):
        state = {"left": 10, "first": True}

        def plan(card, last, state=state):
            if state["left"] == 0:
                return None
            state["left"] -= 1
            if state["first"]:
                state["first"] = False
                return last, Rating.Easy
            late = rng.uniform(1.0, 1.5)
            at = last + (card.due - last) * late + timedelta(seconds=rng.randint(0, 3600))
            return at, Rating.Easy if rng.random() < 0.8 else Rating.Good

        add(f"cap-{n:02d}", None, None, start_time(), plan)

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "srs_py_fsrs_input.jsonl", "w") as f:
        for line in inputs:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
    header = {
        "generated_by": "scripts/srs/make_fixture.py",
        "py_fsrs": importlib.metadata.version("fsrs"),
        "seed": SEED,
        "scheduler": {
            "learning_steps_minutes": [s.total_seconds() / 60 for s in LEARNING_STEPS],
            "relearning_steps_minutes": [s.total_seconds() / 60 for s in RELEARNING_STEPS],
            "maximum_interval": MAXIMUM_INTERVAL,
            "enable_fuzzing": False,
        },
    }
    with open(OUT / "srs_py_fsrs_expected.jsonl", "w") as f:
        f.write(json.dumps(header, separators=(",", ":")) + "\n")
        for line in expected:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
    reviews = sum(len(line["reviews"]) for line in inputs)
    print(f"wrote {len(inputs)} cards, {reviews} reviews to {OUT}")


if __name__ == "__main__":
    main()
