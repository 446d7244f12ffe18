"""`saram refit_print_estimate [PROFILE ...]`: fit the instant estimate against PrusaSlicer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saram.making.engine import calibrate
from saram.making.engine.slicer import profile_keys


class Command(BaseCommand):
    help = "Slice a generated corpus with PrusaSlicer and store the estimate's coefficients."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("profiles", nargs="*", help="printer profiles (default: all)")
        parser.add_argument("--models", type=int, default=48)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        for key in options["profiles"] or profile_keys():
            c = calibrate.refit(key, count=options["models"], seed=options["seed"])
            self.stdout.write(f"{key}: fitted on {c.fitted_on} models")
