"""Demo school meals and uniforms for a city: schools, a year's menus, farms and their offers,
textile firms and uniform purchases. Invented but plausible (Jeonju has about 257 schools and
390 daycares; the public-meal support centre buys from about 1,300 farms); idempotent.

Used by `saram demo` and by `bench/sourcing.py` (`size` scales the number of ingredients and
suppliers to the figure the issue names).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction

from saram.core.models import City, Dong, Organisation, OrganisationKind
from saram.economy.engine.registry import business_number_check_digit
from saram.economy.models import (
    Category,
    FarmOffer,
    FarmProfile,
    FoodGroup,
    Ingredient,
    Locality,
    MenuItem,
    Recipe,
    RecipeIngredient,
    School,
    SchoolKind,
    SchoolMonth,
    Substitution,
    Supplier,
    UniformAward,
    UniformDemand,
    UniformOffer,
)

# Meal days per month (Jan..Dec) for schools; daycares serve every working day.
SCHOOL_DAYS = (3, 5, 20, 21, 19, 20, 15, 8, 19, 19, 20, 17)
DAYCARE_DAYS = (21, 19, 21, 22, 20, 21, 22, 21, 20, 21, 20, 21)

# (code, name, English, group, organic required, season months, local share of farms offering it)
_BASE = (
    ("rice", "쌀", "Rice", FoodGroup.GRAIN, True, range(1, 13)),
    ("glutinous-rice", "찹쌀", "Glutinous rice", FoodGroup.GRAIN, True, range(1, 13)),
    ("barley", "보리", "Barley", FoodGroup.GRAIN, False, range(1, 13)),
    ("potato", "감자", "Potato", FoodGroup.VEGETABLE, False, range(5, 11)),
    ("sweet-potato", "고구마", "Sweet potato", FoodGroup.VEGETABLE, False, range(8, 13)),
    ("onion", "양파", "Onion", FoodGroup.VEGETABLE, False, range(5, 12)),
    ("green-onion", "대파", "Green onion", FoodGroup.VEGETABLE, False, range(1, 13)),
    ("cabbage", "배추", "Napa cabbage", FoodGroup.VEGETABLE, False, range(3, 12)),
    ("radish", "무", "Radish", FoodGroup.VEGETABLE, False, range(4, 13)),
    ("carrot", "당근", "Carrot", FoodGroup.VEGETABLE, False, range(5, 12)),
    ("zucchini", "애호박", "Zucchini", FoodGroup.VEGETABLE, False, range(4, 11)),
    ("cucumber", "오이", "Cucumber", FoodGroup.VEGETABLE, False, range(4, 10)),
    ("spinach", "시금치", "Spinach", FoodGroup.VEGETABLE, False, (1, 2, 3, 10, 11, 12)),
    ("bean-sprout", "콩나물", "Bean sprouts", FoodGroup.VEGETABLE, False, range(1, 13)),
    ("mung-sprout", "숙주", "Mung bean sprouts", FoodGroup.VEGETABLE, False, range(1, 13)),
    ("perilla-leaf", "깻잎", "Perilla leaves", FoodGroup.VEGETABLE, False, range(4, 11)),
    ("lettuce", "상추", "Lettuce", FoodGroup.VEGETABLE, False, range(3, 12)),
    ("cabbage-round", "양배추", "Cabbage", FoodGroup.VEGETABLE, False, range(4, 12)),
    ("broccoli", "브로콜리", "Broccoli", FoodGroup.VEGETABLE, False, range(3, 12)),
    ("paprika", "파프리카", "Paprika", FoodGroup.VEGETABLE, False, range(1, 13)),
    ("shiitake", "표고버섯", "Shiitake", FoodGroup.VEGETABLE, False, range(1, 13)),
    ("oyster-mushroom", "느타리버섯", "Oyster mushroom", FoodGroup.VEGETABLE, False, range(1, 13)),
    ("garlic", "마늘", "Garlic", FoodGroup.SEASONING, False, range(6, 13)),
    ("ginger", "생강", "Ginger", FoodGroup.SEASONING, False, range(10, 13)),
    ("chili", "고추", "Chili", FoodGroup.SEASONING, False, range(6, 11)),
    ("chili-powder", "고춧가루", "Chili powder", FoodGroup.SEASONING, False, range(1, 13)),
    ("apple", "사과", "Apple", FoodGroup.FRUIT, False, (1, 2, 3, 9, 10, 11, 12)),
    ("pear", "배", "Pear", FoodGroup.FRUIT, False, (1, 2, 9, 10, 11, 12)),
    ("strawberry", "딸기", "Strawberry", FoodGroup.FRUIT, False, (1, 2, 3, 4, 12)),
    ("watermelon", "수박", "Watermelon", FoodGroup.FRUIT, False, (6, 7, 8)),
    ("grape", "포도", "Grape", FoodGroup.FRUIT, False, (8, 9, 10)),
    ("tangerine", "귤", "Tangerine", FoodGroup.FRUIT, False, (1, 2, 11, 12)),
    ("peach", "복숭아", "Peach", FoodGroup.FRUIT, False, (7, 8, 9)),
    ("melon", "참외", "Korean melon", FoodGroup.FRUIT, False, (4, 5, 6, 7)),
    ("tomato", "토마토", "Tomato", FoodGroup.FRUIT, False, range(4, 11)),
    ("blueberry", "블루베리", "Blueberry", FoodGroup.FRUIT, False, (6, 7, 8)),
    ("pork-shoulder", "돼지고기 앞다리", "Pork shoulder", FoodGroup.MEAT, False, range(1, 13)),
    ("pork-neck", "돼지고기 목살", "Pork neck", FoodGroup.MEAT, False, range(1, 13)),
    ("beef-bulgogi", "한우 불고기", "Hanwoo bulgogi", FoodGroup.MEAT, False, range(1, 13)),
    ("beef-soup", "한우 국거리", "Hanwoo soup beef", FoodGroup.MEAT, False, range(1, 13)),
    ("chicken-leg", "닭다리살", "Chicken thigh", FoodGroup.MEAT, False, range(1, 13)),
    ("chicken-breast", "닭가슴살", "Chicken breast", FoodGroup.MEAT, False, range(1, 13)),
    ("duck", "오리고기", "Duck", FoodGroup.MEAT, False, range(1, 13)),
    ("egg", "달걀", "Eggs", FoodGroup.DAIRY_EGG, False, range(1, 13)),
    ("milk", "우유", "Milk", FoodGroup.DAIRY_EGG, False, range(1, 13)),
    ("yogurt", "요구르트", "Yogurt", FoodGroup.DAIRY_EGG, False, range(1, 13)),
    ("tofu", "두부", "Tofu", FoodGroup.LEGUME, False, range(1, 13)),
    ("soybean", "콩", "Soybeans", FoodGroup.LEGUME, False, range(1, 13)),
    ("doenjang", "된장", "Doenjang", FoodGroup.SEASONING, False, range(1, 13)),
    ("gochujang", "고추장", "Gochujang", FoodGroup.SEASONING, False, range(1, 13)),
    ("soy-sauce", "간장", "Soy sauce", FoodGroup.SEASONING, False, range(1, 13)),
    ("mackerel", "고등어", "Mackerel", FoodGroup.FISH, False, range(1, 13)),
    ("squid", "오징어", "Squid", FoodGroup.FISH, False, range(1, 13)),
    ("anchovy", "멸치", "Anchovy", FoodGroup.FISH, False, range(1, 13)),
    ("seaweed", "김", "Laver", FoodGroup.FISH, False, range(1, 13)),
    ("kelp", "미역", "Sea mustard", FoodGroup.FISH, False, range(1, 13)),
)
# Products Jeonju's own farms barely grow; they come from outside or the province.
_NOT_LOCAL = {"mackerel", "squid", "anchovy", "seaweed", "kelp", "tangerine", "beef-bulgogi"}

_DISHES = (
    (
        "bibimbap",
        "전주비빔밥",
        ("rice", "bean-sprout", "spinach", "carrot", "beef-bulgogi", "egg", "gochujang"),
    ),
    ("kongnamul-soup", "콩나물국", ("bean-sprout", "green-onion", "garlic", "anchovy")),
    ("doenjang-soup", "된장국", ("doenjang", "tofu", "zucchini", "onion", "potato")),
    (
        "kimchi",
        "배추김치",
        ("cabbage", "radish", "chili-powder", "garlic", "ginger", "green-onion"),
    ),
    ("bulgogi", "불고기", ("beef-bulgogi", "onion", "carrot", "soy-sauce", "green-onion")),
    ("jeyuk", "제육볶음", ("pork-shoulder", "onion", "cabbage-round", "gochujang", "chili")),
    ("chicken-stew", "닭볶음탕", ("chicken-leg", "potato", "carrot", "onion", "gochujang")),
    ("grilled-mackerel", "고등어구이", ("mackerel",)),
    ("squid-stirfry", "오징어볶음", ("squid", "onion", "cabbage-round", "gochujang")),
    ("egg-roll", "달걀말이", ("egg", "carrot", "green-onion")),
    ("tofu-braise", "두부조림", ("tofu", "soy-sauce", "green-onion", "chili-powder")),
    ("potato-braise", "감자조림", ("potato", "soy-sauce", "garlic")),
    ("seaweed-soup", "미역국", ("kelp", "beef-soup", "garlic", "soy-sauce")),
    ("radish-soup", "소고기무국", ("radish", "beef-soup", "green-onion", "garlic")),
    ("japchae", "잡채", ("spinach", "carrot", "onion", "shiitake", "pork-neck", "soy-sauce")),
    ("salad", "채소샐러드", ("lettuce", "cucumber", "paprika", "broccoli", "tomato")),
    ("duck-stirfry", "오리불고기", ("duck", "onion", "perilla-leaf", "gochujang")),
    ("mushroom-stirfry", "버섯볶음", ("oyster-mushroom", "shiitake", "onion", "soy-sauce")),
    ("sweet-potato-stick", "고구마맛탕", ("sweet-potato",)),
    (
        "fruit",
        "제철 과일",
        (
            "apple",
            "pear",
            "strawberry",
            "watermelon",
            "grape",
            "tangerine",
            "peach",
            "melon",
            "blueberry",
        ),
    ),
    ("milk", "우유", ("milk",)),
    ("yogurt", "요구르트", ("yogurt",)),
    ("laver", "김구이", ("seaweed",)),
    ("multigrain-rice", "잡곡밥", ("rice", "barley", "glutinous-rice", "soybean")),
    (
        "chicken-breast-salad",
        "닭가슴살 샐러드",
        ("chicken-breast", "lettuce", "cucumber", "tomato"),
    ),
)
# Grams per serving by food group (a school lunch; daycares eat about 60 %).
_GRAMS = {
    FoodGroup.GRAIN: 90.0,
    FoodGroup.VEGETABLE: 35.0,
    FoodGroup.FRUIT: 60.0,
    FoodGroup.MEAT: 60.0,
    FoodGroup.FISH: 45.0,
    FoodGroup.DAIRY_EGG: 50.0,
    FoodGroup.LEGUME: 40.0,
    FoodGroup.SEASONING: 5.0,
    FoodGroup.PROCESSED: 30.0,
}
_PRICE = {
    FoodGroup.GRAIN: 3_200,
    FoodGroup.VEGETABLE: 2_400,
    FoodGroup.FRUIT: 4_500,
    FoodGroup.MEAT: 13_000,
    FoodGroup.FISH: 11_000,
    FoodGroup.DAIRY_EGG: 3_000,
    FoodGroup.LEGUME: 4_000,
    FoodGroup.SEASONING: 8_000,
    FoodGroup.PROCESSED: 6_000,
}
_FARM_PLACES = (
    ("in_city", "전북특별자치도 전주시 덕진구 {dong}", 8.0),
    ("in_province", "전북특별자치도 완주군 봉동읍 {n}", 25.0),
    ("in_province", "전북특별자치도 김제시 요촌동 {n}", 30.0),
    ("in_province", "전북특별자치도 익산시 인북로 {n}", 35.0),
    ("outside", "서울특별시 송파구 양재대로 {n}", 230.0),
    ("outside", "경기도 이천시 마장면 {n}", 210.0),
    ("outside", "부산광역시 서구 충무대로 {n}", 260.0),
)


@dataclass(frozen=True)
class Size:
    """How big the demo is: the issue's full-year plan is ~150 ingredients, ~300 suppliers."""

    ingredients: int = 150
    farms: int = 300


def _number(prefix: str, serial: int) -> str:
    first9 = f"{prefix}{serial % 10_000:04d}"
    return first9 + str(business_number_check_digit(first9))


def _ingredients(size: Size) -> list[Ingredient]:
    """The base list, then organic and conventional variants until `size.ingredients`."""
    rows: list[Ingredient] = []
    for code, name, name_en, group, organic, _months in _BASE:
        rows.append(
            Ingredient(
                code=code,
                name=name,
                name_en=name_en,
                group=group,
                required_certification="organic" if organic else "",
            )
        )
    variants = (("organic", "친환경", "organic"), ("premium", "상품", "premium"))
    k = 0
    while len(rows) < size.ingredients:
        code, name, name_en, group, _organic, _months = _BASE[k % len(_BASE)]
        suffix, ko, en = variants[(k // len(_BASE)) % len(variants)]
        rows.append(
            Ingredient(
                code=f"{code}-{suffix}",
                name=f"{name} ({ko})",
                name_en=f"{name_en} ({en})",
                group=group,
                required_certification="organic" if suffix == "organic" else "",
            )
        )
        k += 1
    return rows[: size.ingredients]


def _season(code: str) -> set[int]:
    base = code.removesuffix("-organic").removesuffix("-premium")
    for row in _BASE:
        if row[0] == base:
            return set(row[5])
    return set(range(1, 13))


def load_meals_demo(
    *, city: City, year: int, seed: int, size: Size | None = None
) -> dict[str, Any]:
    """Schools, menus, farms and offers for `year`, and the uniform market; idempotent."""
    size = size or Size()
    rng = np.random.default_rng([seed, 13])
    with transaction.atomic():
        if School.objects.exists() and FarmOffer.objects.filter(year=year).exists():
            return {"schools": School.objects.count(), "offers": FarmOffer.objects.count()}
        dongs = list(Dong.objects.filter(city=city).order_by("code"))
        schools = _schools(dongs, rng)
        _calendar(schools, year)
        ingredients = _ingredients(size)
        Ingredient.objects.bulk_create(ingredients, ignore_conflicts=True)
        by_code = {i.code: i for i in Ingredient.objects.all()}
        _menus(by_code, year, rng)
        _substitutions(by_code)
        offers = _farms(city, dongs, by_code, year, size, rng)
        _uniforms(city, dongs, schools, year, rng)
    return {"schools": len(schools), "offers": offers}


def _english_stem(name_en: str) -> str:
    """A dong's English name without its number and "-dong": "Junghwasan 1(il)-dong" ->
    "Junghwasan"."""
    stem = re.sub(r"\s*\d.*$", "", name_en.strip())
    return re.sub(r"-?dong$", "", stem).strip()


def _schools(dongs: list[Dong], rng: np.random.Generator) -> list[School]:
    plan = (
        (SchoolKind.ELEMENTARY, "초등학교", "Elementary School", 110, (200, 1200)),
        (SchoolKind.MIDDLE, "중학교", "Middle School", 75, (250, 900)),
        (SchoolKind.HIGH, "고등학교", "High School", 72, (300, 1000)),
        (SchoolKind.DAYCARE, "어린이집", "Daycare", 390, (20, 90)),
    )
    rows: list[School] = []
    seen: Counter[tuple[str, str]] = Counter()
    for kind, ko, en, count, (low, high) in plan:
        for i in range(count):
            dong = dongs[i % len(dongs)] if dongs else None
            stem = (dong.name.rstrip("0123456789동") if dong else "전주") or "전주"
            stem_en = _english_stem(dong.name_en if dong else "") or "Jeonju"
            # 인후1동, 인후2동 and 인후3동 share a stem: number the schools of the stem in turn,
            # so no two have the same name.
            seen[(kind, stem)] += 1
            nth = seen[(kind, stem)]
            rows.append(
                School(
                    code=f"{kind.value[:2].upper()}{i + 1:04d}",
                    name=f"{stem}{'' if nth == 1 else f'제{nth}'}{ko}",
                    name_en=f"{stem_en} {en}" + ("" if nth == 1 else f" No. {nth}"),
                    kind=kind,
                    dong=dong,
                    pupils=int(rng.integers(low, high)),
                )
            )
    School.objects.bulk_create(rows, ignore_conflicts=True)
    return list(School.objects.all())


def _calendar(schools: list[School], year: int) -> None:
    rows = [
        SchoolMonth(
            school=s,
            year=year,
            month=m,
            meal_days=(DAYCARE_DAYS if s.kind == SchoolKind.DAYCARE else SCHOOL_DAYS)[m - 1],
        )
        for s in schools
        for m in range(1, 13)
    ]
    SchoolMonth.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def _menus(by_code: dict[str, Ingredient], year: int, rng: np.random.Generator) -> None:
    recipes = []
    for code, name, parts in _DISHES:
        recipe, _created = Recipe.objects.get_or_create(code=code, defaults={"name": name})
        recipes.append((recipe, parts))
        lines = []
        for part in parts:
            ing = by_code[part]
            grams = _GRAMS[FoodGroup(ing.group)] / (len(parts) if len(parts) > 3 else 1)
            lines.append(
                RecipeIngredient(
                    recipe=recipe, ingredient=ing, grams_per_serving=round(grams + 1, 2)
                )
            )
        RecipeIngredient.objects.bulk_create(lines, ignore_conflicts=True)
    # Variants of ingredients enter the menus through "special" dishes so that every
    # ingredient has demand (organic rice is required by the city's rule for rice).
    extra = [
        i for i in by_code.values() if "-" in i.code and i.code.endswith(("organic", "premium"))
    ]
    for k in range(0, len(extra), 4):
        chunk = extra[k : k + 4]
        recipe, _created = Recipe.objects.get_or_create(
            code=f"special-{k // 4 + 1}", defaults={"name": f"특식 {k // 4 + 1}"}
        )
        RecipeIngredient.objects.bulk_create(
            [
                RecipeIngredient(
                    recipe=recipe,
                    ingredient=ing,
                    grams_per_serving=round(_GRAMS[FoodGroup(ing.group)] / 3, 2),
                )
                for ing in chunk
            ],
            ignore_conflicts=True,
        )
        recipes.append((recipe, tuple(i.code for i in chunk)))
    items = []
    for month in range(1, 13):
        for kind in SchoolKind:
            for recipe, _parts in recipes:
                if recipe.code.startswith("special-"):
                    times = 0.03
                elif recipe.code in ("milk", "kimchi"):
                    times = 1.0 if kind != SchoolKind.HIGH or recipe.code == "kimchi" else 0.3
                elif recipe.code in ("multigrain-rice",):
                    times = 0.6
                else:
                    times = float(rng.uniform(0.04, 0.2))
                if kind == SchoolKind.DAYCARE:
                    times *= 0.6
                items.append(
                    MenuItem(
                        year=year,
                        month=month,
                        school_kind=kind,
                        recipe=recipe,
                        servings_per_meal_day=round(times, 3),
                    )
                )
    MenuItem.objects.bulk_create(items, ignore_conflicts=True, batch_size=2000)


def _substitutions(by_code: dict[str, Ingredient]) -> None:
    pairs = (
        ("potato", "sweet-potato", 30),
        ("spinach", "perilla-leaf", 50),
        ("cabbage-round", "cabbage", 40),
        ("pork-neck", "pork-shoulder", 100),
        ("chicken-breast", "chicken-leg", 50),
        ("oyster-mushroom", "shiitake", 50),
        ("pear", "apple", 100),
        ("peach", "grape", 50),
    )
    Substitution.objects.bulk_create(
        [
            Substitution(original=by_code[a], substitute=by_code[b], max_share_pct=p)
            for a, b, p in pairs
            if a in by_code and b in by_code
        ],
        ignore_conflicts=True,
    )


def _farms(
    city: City,
    dongs: list[Dong],
    by_code: dict[str, Ingredient],
    year: int,
    size: Size,
    rng: np.random.Generator,
) -> int:
    """Farms, cooperatives and wholesalers with seasonal offers; the support centre first."""
    codes = list(by_code)
    orgs: list[Organisation] = []
    specs: list[tuple[str, float, list[str], bool]] = []
    kinds = (OrganisationKind.FARM, OrganisationKind.COOPERATIVE)
    for i in range(size.farms):
        if i == 0:
            place, address, distance = _FARM_PLACES[0]
            name = "전주푸드 공공급식지원센터"
            kind = OrganisationKind.PUBLIC
        elif i < 12:
            place, address, distance = _FARM_PLACES[4 + i % 3]
            name = f"{'가락' if i % 3 == 0 else '이천' if i % 3 == 1 else '부산'} 식자재 유통 {i}"
            kind = OrganisationKind.FIRM
        else:
            place, address, distance = _FARM_PLACES[int(rng.choice(4, p=[0.45, 0.2, 0.2, 0.15]))]
            town = "전주" if place == "in_city" else "완주"
            name = f"{town} {'영농조합' if i % 4 == 0 else '농가'} {i}"
            kind = kinds[i % 4 == 0]
        dong = dongs[i % len(dongs)] if dongs and place == "in_city" else None
        orgs.append(
            Organisation(
                kind=kind,
                name=name,
                business_number=_number("40290" if place == "in_city" else "40390", 5000 + i),
                address=address.format(dong=dong.name if dong else "", n=100 + i),
                dong=dong,
            )
        )
        if i < 12 and i > 0:
            products = codes  # wholesalers carry everything
        elif i == 0:
            products = [c for c in codes if c.split("-")[0] not in _NOT_LOCAL][:40]
        else:
            n = int(rng.integers(2, 8))
            pool = [c for c in codes if c not in _NOT_LOCAL or place != "in_city"]
            products = list(rng.choice(pool, size=min(n, len(pool)), replace=False))
        specs.append((place, distance + float(rng.uniform(0, 10)), products, i == 0))
    Organisation.objects.bulk_create(orgs, ignore_conflicts=True)
    saved = {
        o.business_number: o
        for o in Organisation.objects.filter(business_number__in=[o.business_number for o in orgs])
    }
    produce, _created = Category.objects.get_or_create(
        code="produce",
        defaults={"name": "농산물", "name_en": "Fresh produce", "kind": "goods"},
    )
    offers: list[FarmOffer] = []
    for org, (place, distance, products, aggregator) in zip(orgs, specs, strict=True):
        org = saved[org.business_number]
        supplier, created = Supplier.objects.get_or_create(
            organisation=org, defaults={"locality": place, "is_sme": True, "is_small_firm": True}
        )
        if created:
            supplier.categories.add(produce)
        FarmProfile.objects.get_or_create(
            supplier=supplier,
            defaults={
                "distance_km": round(distance, 1),
                "is_aggregator": aggregator,
                "certifications": ["haccp"]
                if aggregator
                else (["organic", "gap"] if rng.random() < 0.4 else ["gap"]),
            },
        )
        wholesale = place == Locality.OUTSIDE
        for code in products:
            ing = by_code[code]
            season = _season(code)
            base = _PRICE[FoodGroup(ing.group)] * (1.3 if code.endswith("organic") else 1.0)
            if wholesale:
                price = base * float(rng.uniform(0.85, 0.98))
                capacity = [1e7] * 12
            else:
                price = base * float(rng.uniform(0.95, 1.25))
                per_month = float(rng.uniform(500, 8000))
                capacity = [round(per_month, 0) if m in season else 0.0 for m in range(1, 13)]
            offers.append(
                FarmOffer(
                    supplier=supplier,
                    ingredient=ing,
                    year=year,
                    price_krw_per_kg=int(price),
                    capacity_kg=capacity,
                )
            )
    FarmOffer.objects.bulk_create(offers, ignore_conflicts=True, batch_size=2000)
    return len(offers)


def _uniforms(
    city: City, dongs: list[Dong], schools: list[School], year: int, rng: np.random.Generator
) -> None:
    """New pupils of middle and high schools, the textile firms' offers, three years of awards
    (local firms win more after the city's rule of 2025)."""
    firms = list(
        Supplier.objects.filter(categories__code="uniforms").select_related("organisation")
    )
    for supplier in firms:
        UniformOffer.objects.get_or_create(
            supplier=supplier,
            year=year,
            defaults={
                "capacity_sets": int(rng.integers(800, 4000)),
                "price_per_set_krw": int(rng.integers(270_000, 330_000)),
            },
        )
    local = [f for f in firms if f.locality == Locality.IN_CITY]
    other = [f for f in firms if f.locality != Locality.IN_CITY]
    sizes = ("85", "90", "95", "100", "105", "110")
    for school in schools:
        if school.kind not in (SchoolKind.MIDDLE, SchoolKind.HIGH):
            continue
        for y in (year - 2, year - 1, year):
            pupils = max(30, int(school.pupils / 3 * rng.uniform(0.9, 1.1)))
            split = rng.multinomial(pupils, [0.08, 0.18, 0.27, 0.24, 0.15, 0.08])
            demand, _created = UniformDemand.objects.get_or_create(
                school=school,
                year=y,
                defaults={
                    "new_pupils": pupils,
                    "sizes": {s: int(n) for s, n in zip(sizes, split, strict=True)},
                    "purchase_on": dt.date(y - 1, 11, int(rng.integers(1, 28))),
                    "budget_per_set_krw": 300_000,
                },
            )
            if y == year or not firms:
                continue  # this year's purchases are still to come
            local_chance = 0.35 if y < 2025 else 0.6
            pool = local if (local and rng.random() < local_chance) else (other or local)
            winner = pool[int(rng.integers(0, len(pool)))]
            UniformAward.objects.get_or_create(
                demand=demand,
                defaults={
                    "supplier": winner,
                    "sets": pupils,
                    "amount_krw": pupils * int(rng.integers(260_000, 300_000)),
                    "is_local": winner.locality == Locality.IN_CITY,
                },
            )
