"""The outreach funnel: flagged → listed → reached → needs assessed → helped → followed up,
counted per group (a dong's round), with why each person stopped where they did.

Plain columns in, counts out. A person listed twice in one round (a second attempt after a
refusal) counts once, at the furthest step any attempt reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np
import numpy.typing as npt

STEPS = ("flagged", "listed", "reached", "assessed", "helped", "followed_up")


class Outcome(IntEnum):
    """A visit attempt's last outcome, ordered so the strongest reason to stop wins."""

    NONE = 0
    NOT_HOME = 1
    RETURNED = 2
    REFUSED = 3
    MOVED = 4
    DECEASED = 5
    MET = 6


class Stop(StrEnum):
    """Why a listed person went no further (the app maps each to a message)."""

    PENDING = "pending"  # not yet due: neither reached nor missed
    UNREACHABLE = "unreachable"  # due date passed without meeting them
    REFUSED = "refused"
    MOVED = "moved"
    DIED = "died"
    NO_NEED = "no_need"  # met, and no need was found
    IN_PROGRESS = "in_progress"  # reached, help still under way


@dataclass(frozen=True, eq=False)
class Attempts:
    """One row per visit attempt of a listed person (an assignment)."""

    group: npt.NDArray[np.int64]  # the group (round) it belongs to
    person: npt.NDArray[np.int64]
    outcome: npt.NDArray[np.int8]  # Outcome
    is_open: npt.NDArray[np.bool_]  # still waiting for a visit
    due_day: npt.NDArray[np.int32]  # days since 1970-01-01
    need_found: npt.NDArray[np.int8]  # -1 not known, 0 no need, 1 a need
    assessed: npt.NDArray[np.bool_]  # needs assessed in a case
    helped: npt.NDArray[np.bool_]
    followed_up: npt.NDArray[np.bool_]
    # The person's death is recorded (at this or any later visit, or otherwise); empty: none.
    died: npt.NDArray[np.bool_] | None = None

    def __len__(self) -> int:
        return len(self.group)


@dataclass(frozen=True, eq=False)
class Funnel:
    """Counts per group: `steps[g]` the people at each step of STEPS (each a subset of the one
    before), `stops[g]` listed people by where and why they stopped."""

    groups: npt.NDArray[np.int64]
    steps: npt.NDArray[np.int64]  # groups × len(STEPS)
    stops: dict[Stop, npt.NDArray[np.int64]]

    def row(self, group: int) -> dict[str, int]:
        found = np.flatnonzero(self.groups == group)
        if not len(found):
            return dict.fromkeys(STEPS, 0)
        return dict(zip(STEPS, self.steps[found[0]].tolist(), strict=True))


@dataclass(frozen=True, eq=False)
class PersonSteps:
    """One row per (group, person) listed: the furthest step reached and why they stopped."""

    group: npt.NDArray[np.int64]
    person: npt.NDArray[np.int64]
    step: npt.NDArray[np.int8]  # index into STEPS (1 = listed ... 5 = followed up)
    stop: npt.NDArray[np.object_]  # Stop value, or "" when followed up


def person_steps(attempts: Attempts, *, today_day: int) -> PersonSteps:
    """Each listed person's furthest step in each group, attempts merged."""
    if not len(attempts):
        empty = np.empty(0, dtype=np.int64)
        return PersonSteps(empty, empty, np.empty(0, np.int8), np.empty(0, object))
    key = attempts.group * (1 << 32) + attempts.person
    keys, inverse = np.unique(key, return_inverse=True)
    n = len(keys)

    def any_of(values: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        out = np.zeros(n, dtype=np.bool_)
        np.logical_or.at(out, inverse, values)
        return out

    outcome = np.zeros(n, dtype=np.int8)
    np.maximum.at(outcome, inverse, attempts.outcome)
    need = np.full(n, -1, dtype=np.int8)
    np.maximum.at(need, inverse, attempts.need_found)
    last_due = np.zeros(n, dtype=np.int32)
    np.maximum.at(last_due, inverse, attempts.due_day)
    waiting = any_of(attempts.is_open)
    reached = outcome == Outcome.MET
    assessed = reached & ((need == 0) | any_of(attempts.assessed))
    helped = assessed & any_of(attempts.helped)
    followed = helped & any_of(attempts.followed_up)
    step = (1 + reached.astype(np.int8) + assessed + helped + followed).astype(np.int8)
    stop = np.full(n, "", dtype=object)
    not_reached = ~reached
    pending = not_reached & waiting & (last_due >= today_day)
    stop[not_reached] = Stop.UNREACHABLE.value
    stop[not_reached & (outcome == Outcome.REFUSED)] = Stop.REFUSED.value
    stop[not_reached & (outcome == Outcome.MOVED)] = Stop.MOVED.value
    stop[not_reached & (outcome == Outcome.DECEASED)] = Stop.DIED.value
    stop[pending] = Stop.PENDING.value
    stop[reached & (need == 0)] = Stop.NO_NEED.value
    stop[reached & ~followed & (need != 0)] = Stop.IN_PROGRESS.value
    if attempts.died is not None:
        # Met, then died before the help was followed up: a drop-out, not work in progress.
        stop[reached & ~followed & (need != 0) & any_of(attempts.died)] = Stop.DIED.value
    return PersonSteps(group=keys >> 32, person=keys & ((1 << 32) - 1), step=step, stop=stop)


def count_funnel(
    *,
    groups: npt.NDArray[np.int64],
    flagged: npt.NDArray[np.int64],
    listed: npt.NDArray[np.int64],
    attempts: Attempts,
    today_day: int,
) -> Funnel:
    """The funnel of each group. `flagged[i]` and `listed[i]` are group `groups[i]`'s counts
    (from the round's stored flags); the later steps come from the attempts."""
    order = np.argsort(groups)
    groups = np.asarray(groups, dtype=np.int64)[order]
    steps = np.zeros((len(groups), len(STEPS)), dtype=np.int64)
    steps[:, 0] = np.asarray(flagged)[order]
    steps[:, 1] = np.asarray(listed)[order]
    people = person_steps(attempts, today_day=today_day)
    position = np.searchsorted(groups, people.group)
    known = (
        (position < len(groups))
        & (groups[np.minimum(position, max(len(groups) - 1, 0))] == people.group)
        if len(groups)
        else np.zeros(len(people.group), dtype=np.bool_)
    )
    position, step, stop = position[known], people.step[known], people.stop[known]
    for column in range(2, len(STEPS)):
        steps[:, column] = np.bincount(position[step >= column], minlength=len(groups))[
            : len(groups)
        ]
    stops = {
        reason: np.bincount(position[stop == reason.value], minlength=len(groups))[: len(groups)]
        for reason in Stop
    }
    return Funnel(groups=groups, steps=steps, stops=stops)
