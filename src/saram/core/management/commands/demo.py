"""`saram demo --no-serve`: migrate, load the city and the demo, collect static files.

`saram demo` (saram.cli) runs this, then starts the web server and the task worker.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from saram.core.errors import SaramError
from saram.core.management.commands.load_city import describe
from saram.core.services.cities import load_city
from saram.core.services.demo import DEFAULT_RESIDENTS, DEMO_SEED, DemoLoad, load_demo

APPS_WITH_DEMOS = ("welfare", "economy", "making")


def app_demos() -> list[Any]:
    """Each programme's own demo loader (`saram.<app>.demo.load_demo`), where it has one."""
    found = []
    for app in APPS_WITH_DEMOS:
        try:
            found.append(importlib.import_module(f"saram.{app}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"saram.{app}.demo":
                raise
    return found


def residents_count(text: str) -> int:
    value = int(text.replace(",", "").replace("_", ""))
    if value < 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Prepare the demo city: migrate, load the city and demo residents, collect static files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--residents",
            type=residents_count,
            default=DEFAULT_RESIDENTS,
            help=f"number of demo residents (default {DEFAULT_RESIDENTS:,})",
        )
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="generator seed")
        parser.add_argument("--skip-static", action="store_true", help="do not run collectstatic")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        self.say("데이터베이스 준비 중 (migrate)…")
        call_command("migrate", interactive=False, verbosity=0)
        directory = settings.SARAM_CITY_DIR
        try:
            city = load_city(directory)
            self.say(f"도시: {city.city.name} (행정동 {city.dongs_created + city.dongs_updated}개)")
            result = load_demo(
                residents=options["residents"],
                seed=options["seed"],
                directory=directory,
                progress=self.say,
            )
            for app_demo in app_demos():
                app_demo.load_demo(city=city.city, seed=options["seed"], progress=self.say)
        except SaramError as error:
            raise CommandError(describe(error)) from error
        if not options["skip_static"]:
            self.say("정적 파일 모으는 중 (collectstatic)…")
            call_command("collectstatic", interactive=False, verbosity=0)
        self.report(result, time.perf_counter() - started)

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def report(self, result: DemoLoad, elapsed_s: float) -> None:
        summary = (
            f"데모 준비 완료 ({elapsed_s:.1f}초): 주민 {result.residents:,}명, "
            f"가구 {result.households:,}개"
        )
        if result.residents_created:
            summary += f" (새로 {result.residents_created:,}명"
            if result.residents_removed:
                summary += f", 이전 데모 주민 {result.residents_removed:,}명 교체"
            summary += ")"
        if result.organisations_created:
            summary += f", 기관·단체 {result.organisations_created:,}개 추가"
        self.stdout.write(self.style.SUCCESS(summary))
        self.stdout.write("")
        self.stdout.write(f"데모 계정 (모두 같은 비밀번호: {result.password})")
        width = max(len(login.username) for login in result.logins)
        for login in result.logins:
            self.stdout.write(
                f"  {login.username:<{width}}  {result.password}  {login.role_label} · {login.area}"
            )
