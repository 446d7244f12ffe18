"""Figure: the full-year school-meal sourcing plan of the demo city, solved end to end.

Loads the demo city's schools, menus, farms and offers (all schools and daycares, ~150
ingredients, ~300 suppliers, 12 months) into a temporary SQLite database, then times the path
the product takes: `meals.build_problem` (the year's demand and offers read from the database)
and `sourcing.solve` (the model built and solved with HiGHS). The baseline, in the same run, is
the same model built with PuLP and solved with CBC (Debian's `coinor-cbc`); both plans must
reach the same objective. Target: ≤ 10 s and Saram ≥ 3× faster.

Prints the model's size, then
`RESULT sourcing <s> s baseline=<pulp_cbc_s> ratio=<s/baseline>`.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
YEAR = 2026
TARGET_S = 10.0


def _setup() -> Path:
    workdir = Path(tempfile.mkdtemp(prefix="saram-bench-sourcing-"))
    os.environ["SARAM_DATA_DIR"] = str(workdir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SARAM_DATABASE_URL", None)
    os.environ.setdefault("SARAM_ENV", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "saram.settings"
    sys.path.insert(0, str(SRC))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return workdir


def _pulp_objective(problem: object) -> tuple[float, float]:
    """The same model in PuLP solved by CBC: (seconds including model building, objective)."""
    import numpy as np
    import pulp

    from saram.economy.engine import sourcing

    assert isinstance(problem, sourcing.Problem)
    started = time.perf_counter()
    model = sourcing._build(problem)  # the same coefficients, written out row by row
    lp = pulp.LpProblem("sourcing", pulp.LpMinimize)
    n_rows, n_cols = model.matrix.shape
    xs = [
        pulp.LpVariable(
            f"c{j}",
            lowBound=float(model.lower[j]),
            upBound=None if np.isinf(model.upper[j]) else float(model.upper[j]),
        )
        for j in range(n_cols)
    ]
    lp += pulp.lpSum(float(model.cost[j]) * xs[j] for j in range(n_cols) if model.cost[j] != 0)
    csr = model.matrix.tocsr()
    for i in range(n_rows):
        lo, hi = float(model.row_lower[i]), float(model.row_upper[i])
        start, end = csr.indptr[i], csr.indptr[i + 1]
        expr = pulp.lpSum(
            float(v) * xs[int(j)]
            for j, v in zip(csr.indices[start:end], csr.data[start:end], strict=True)
        )
        if lo == hi:
            lp += expr == lo
        else:
            if np.isfinite(lo):
                lp += expr >= lo
            if np.isfinite(hi):
                lp += expr <= hi
    cbc = shutil.which("cbc")
    solver = pulp.COIN_CMD(path=cbc, msg=False) if cbc else pulp.PULP_CBC_CMD(msg=False)
    lp.solve(solver)
    seconds = time.perf_counter() - started
    if pulp.LpStatus[lp.status] != "Optimal":
        raise SystemExit(f"CBC did not solve the model: {pulp.LpStatus[lp.status]}")
    return seconds, float(pulp.value(lp.objective))


def main() -> None:
    workdir = _setup()
    try:
        from django.conf import settings

        from saram.core.services.cities import load_city
        from saram.economy.demo_meals import Size, load_meals_demo
        from saram.economy.engine import sourcing
        from saram.economy.services import meals

        city = load_city(settings.SARAM_CITY_DIR).city
        print("loading the demo's schools, menus and farms…", flush=True)
        load_meals_demo(city=city, year=YEAR, seed=20150215, size=Size())

        timings = []
        plan = None
        problem = None
        for _ in range(3):
            started = time.perf_counter()
            problem = meals.build_problem(YEAR, meals.GoalInput(local_weight=100, cost_weight=30))
            plan = sourcing.solve(problem)
            timings.append(time.perf_counter() - started)
        assert plan is not None and problem is not None
        ours = sorted(timings)[1]
        model = sourcing._build(problem)
        ours_objective = float(
            model.cost @ _solution_vector(model, plan)  # same objective as CBC's
        )
        from saram.economy.models import School

        schools = School.objects.count()
        print(
            f"model: {plan.size.rows} rows × {plan.size.columns} columns, "
            f"{plan.size.nonzeros} nonzeros; {len(problem.ingredients)} ingredients, "
            f"{len({o.supplier for o in problem.offers})} suppliers, "
            f"{len(problem.months)} months, "
            f"{schools} schools and daycares; "
            f"plan {plan.status}, local share {plan.local_share:.1%}"
        )
        print("solving the same model with PuLP + CBC…", flush=True)
        pulp_s, pulp_objective = _pulp_objective(problem)
        gap = abs(ours_objective - pulp_objective) / max(1e-9, abs(pulp_objective))
        print(
            f"objective: HiGHS {ours_objective:.6f}, CBC {pulp_objective:.6f} (gap {gap:.2e}); "
            f"target={TARGET_S:g} s and ≥ 3× faster"
        )
        if gap > 1e-4:
            raise SystemExit("the two solvers disagree on the optimum")
        print(f"RESULT sourcing {ours:.3f} s baseline={pulp_s:.3f} ratio={ours / pulp_s:.4f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _solution_vector(model: object, plan: object) -> object:
    """The plan's column values in the model's order (purchases; substitutes; slack)."""
    import numpy as np

    from saram.economy.engine import sourcing

    assert isinstance(model, sourcing._Model) and isinstance(plan, sourcing.Plan)
    n_m = model.n_months
    values = np.zeros(model.matrix.shape[1])
    index = {(o.supplier, o.ingredient): k for k, o in enumerate(model.offers)}
    for p in plan.purchases:
        values[index[(p.supplier, p.ingredient)] * n_m + p.month] = p.kg
    subs = {(s.original, s.substitute): k for k, s in enumerate(model.subs)}
    for u in plan.substitutions:
        values[model.n_x + subs[(u.original, u.substitute)] * n_m + u.month] = u.kg
    return values


if __name__ == "__main__":
    main()
