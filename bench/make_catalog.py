"""Fill a freshly migrated database with a large, valid catalog for `make bench`.

40 categories (8 shelves with 4 sub-shelves each), 10,000 published products and
50,000 variants, each opening stock entered through the stock ledger
(a StockMovement per variant with stock), exactly as the shop's own seed does,
only in bulk through the models' tables. Deterministic (seeded), so every run
benchmarks the same catalog.

    DATABASE_URL=... python -m bench.make_catalog [--products 10000] [--variants 50000]

The schema must already exist (`flask --app wsgi db upgrade`).
"""
import argparse
import random
import re
import sys
import time
from datetime import timedelta

from sqlalchemy import func, insert, select

from shop import create_app
from shop.catalog.models import Category, Product, StockMovement, Variant
from shop.database import utcnow
from shop.extensions import db

SHELVES = {
    # shelf: (warranty kind, [sub-shelves])
    "Strength": ("strength_machine", ["Power Racks", "Benches", "Cable Machines", "Leg Machines"]),
    "Free Weights": ("free_weights", ["Dumbbells", "Kettlebells", "Barbells", "Bumper Plates"]),
    "Cardio": ("cardio", ["Rowers", "Treadmills", "Air Bikes", "Ellipticals"]),
    "Conditioning": ("free_weights", ["Sleds", "Battle Ropes", "Medicine Balls", "Plyo Boxes"]),
    "Accessories": ("free_weights", ["Resistance Bands", "Grips & Straps", "Belts", "Collars"]),
    "Flooring": ("free_weights", ["Rubber Tiles", "Exercise Mats", "Platforms", "Turf"]),
    "Storage": ("free_weights", ["Plate Trees", "Dumbbell Racks", "Wall Storage", "Bar Holders"]),
    "Recovery": ("free_weights", ["Foam Rollers", "Stretch Straps", "Massage Balls", "Benches & Tables"]),
}
BRANDS = ["Ironforge", "Northline", "Oakridge", "Granite Works", "Summit Athletic", "Steelhead",
          "Red Anvil", "Kodiak", "Blue Ridge", "Hammer & Chalk", "Atlas Supply", "Forge Point",
          "Pinecrest", "Ridgeback", "Titan Yard", "Cobalt"]
ADJECTIVES = ["Compact", "Heavy-Duty", "Folding", "Adjustable", "Commercial", "Home", "Pro",
              "Garage", "Studio", "Competition", "Classic", "Modular", "Quiet", "Rugged",
              "Portable", "Urban", "Elite", "Standard", "Wide", "Slim"]
NOUNS = {
    "Power Racks": ["Power Rack", "Squat Stand", "Half Rack", "Rig"],
    "Benches": ["Flat Bench", "Incline Bench", "Utility Bench", "Preacher Bench"],
    "Cable Machines": ["Functional Trainer", "Lat Pulldown", "Cable Column", "Crossover"],
    "Leg Machines": ["Leg Press", "Hack Squat", "Leg Curl", "Calf Raise"],
    "Dumbbells": ["Hex Dumbbell", "Urethane Dumbbell", "Adjustable Dumbbell", "Loadable Dumbbell"],
    "Kettlebells": ["Kettlebell", "Competition Kettlebell", "Adjustable Kettlebell", "Cast Kettlebell"],
    "Barbells": ["Olympic Bar", "Power Bar", "Trap Bar", "Curl Bar"],
    "Bumper Plates": ["Bumper Plate", "Change Plate", "Iron Plate", "Fractional Plate"],
    "Rowers": ["Air Rower", "Magnetic Rower", "Water Rower", "Rowing Machine"],
    "Treadmills": ["Treadmill", "Curved Treadmill", "Walking Pad", "Incline Trainer"],
    "Air Bikes": ["Air Bike", "Fan Bike", "Spin Bike", "Recumbent Bike"],
    "Ellipticals": ["Elliptical", "Cross Trainer", "Stepper", "Climber"],
    "Sleds": ["Push Sled", "Drag Sled", "Prowler", "Sled Harness"],
    "Battle Ropes": ["Battle Rope", "Rope Anchor", "Training Rope", "Climbing Rope"],
    "Medicine Balls": ["Medicine Ball", "Wall Ball", "Slam Ball", "Sand Bag"],
    "Plyo Boxes": ["Plyo Box", "Soft Box", "Step Platform", "Jump Box"],
    "Resistance Bands": ["Loop Band", "Tube Set", "Mini Band", "Pull-Up Band"],
    "Grips & Straps": ["Lifting Straps", "Wrist Wraps", "Grip Trainer", "Chalk Bag"],
    "Belts": ["Lifting Belt", "Lever Belt", "Dip Belt", "Training Belt"],
    "Collars": ["Spring Collar", "Lock Collar", "Clamp Collar", "Magnetic Collar"],
    "Rubber Tiles": ["Rubber Tile", "Interlocking Tile", "Stall Mat", "Gym Floor"],
    "Exercise Mats": ["Exercise Mat", "Yoga Mat", "Folding Mat", "Crash Mat"],
    "Platforms": ["Lifting Platform", "Deadlift Platform", "Drop Pad", "Platform Insert"],
    "Turf": ["Sled Turf", "Turf Roll", "Turf Strip", "Agility Turf"],
    "Plate Trees": ["Plate Tree", "Bumper Rack", "Plate Cart", "Plate Stand"],
    "Dumbbell Racks": ["Dumbbell Rack", "Saddle Rack", "Tiered Rack", "Kettlebell Shelf"],
    "Wall Storage": ["Wall Rack", "Bar Hanger", "Band Peg", "Storage Wall"],
    "Bar Holders": ["Gun Rack", "Vertical Bar Holder", "Bar Caddy", "Bar Wall Mount"],
    "Foam Rollers": ["Foam Roller", "Grid Roller", "Vibration Roller", "Roller Stick"],
    "Stretch Straps": ["Stretch Strap", "Yoga Strap", "Mobility Band", "Door Anchor"],
    "Massage Balls": ["Massage Ball", "Peanut Ball", "Lacrosse Ball", "Spiky Ball"],
    "Benches & Tables": ["Stretch Table", "Recovery Bench", "Massage Table", "Step Bench"],
}
MATERIALS = ["11-gauge steel", "powder-coated steel", "cast iron", "virgin rubber", "urethane",
             "hardwood", "aluminium", "nylon webbing", "recycled rubber", "stainless steel"]
USES = ["squats", "presses", "pulls", "carries", "intervals", "warm-ups", "mobility work",
        "conditioning", "accessory work", "circuits", "strength sessions", "tempo work"]
PLACES = ["garage gyms", "basements", "apartments", "studios", "commercial floors",
          "spare rooms", "school weight rooms", "outdoor setups"]
OPTIONS = [("Size", ["Small", "Medium", "Large", "X-Large", "XX-Large"]),
           ("Weight", ["10 lb", "15 lb", "20 lb", "25 lb", "35 lb", "45 lb", "55 lb"]),
           ("Color", ["Black", "Red", "Blue", "Grey", "Green", "White"]),
           ("Length", ["6 ft", "7 ft", "8 ft", "9 ft", "10 ft"])]
IMAGES = ["racks", "benches", "cable-machines", "dumbbells", "kettlebells", "barbells-plates",
          "rowers", "treadmills", "bikes", "resistance-bands", "mats-flooring", "storage",
          "accessories", "strength", "cardio"]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def category_rows() -> list[dict]:
    rows, position = [], 0
    for shelf_id, (shelf, (kind, subs)) in enumerate(SHELVES.items(), start=1):
        position += 1
        rows.append(dict(id=shelf_id, slug=slugify(shelf), name=shelf, parent_id=None,
                         position=position, featured=False, warranty_kind=kind,
                         image_path=f"img/demo/{IMAGES[shelf_id % len(IMAGES)]}.svg",
                         description=f"{shelf} equipment for home gyms, garages and studios."))
    next_id = len(rows) + 1
    for shelf_id, (shelf, (kind, subs)) in enumerate(SHELVES.items(), start=1):
        for index, sub in enumerate(subs):
            position += 1
            rows.append(dict(id=next_id, slug=slugify(sub), name=sub, parent_id=shelf_id,
                             position=position, featured=index == 0, warranty_kind=kind,
                             image_path=f"img/demo/{IMAGES[next_id % len(IMAGES)]}.svg",
                             description=f"{sub}: built for {random.choice(USES)} and "
                                         f"{random.choice(USES)} in {random.choice(PLACES)}."))
            next_id += 1
    return rows


def product_rows(count: int, categories: list[dict], rng: random.Random) -> list[dict]:
    leaves = [c for c in categories if c["parent_id"] is not None]
    now = utcnow()
    rows, seen = [], set()
    for pid in range(1, count + 1):
        # most products sit on a sub-shelf; one in twenty on a top shelf
        category = rng.choice(categories[:8]) if pid % 20 == 0 else rng.choice(leaves)
        nouns = NOUNS.get(category["name"]) or rng.choice(list(NOUNS.values()))
        brand = rng.choice(BRANDS)
        name = f"{brand} {rng.choice(ADJECTIVES)} {rng.choice(nouns)} {rng.randint(100, 999)}"
        slug = slugify(name)
        if slug in seen:
            slug = f"{slug}-{pid}"
        seen.add(slug)
        material, use, place = rng.choice(MATERIALS), rng.sample(USES, 3), rng.choice(PLACES)
        long = (f"The {name} is made of {material} and built for {use[0]}, {use[1]} and "
                f"{use[2]}. It suits {place} and {rng.choice(PLACES)}, sets up in minutes and "
                f"stays steady under heavy, repeated use. Every part is replaceable, the "
                f"finish resists chalk and sweat, and the footprint is listed on this page so "
                f"you can plan your space before it arrives.")
        created = now - timedelta(days=rng.randint(0, 900), seconds=pid)
        rows.append(dict(
            id=pid, slug=slug, name=name, brand=brand, category_id=category["id"],
            short_description=f"{material.capitalize()} {rng.choice(nouns).lower()} for "
                              f"{use[0]} and {use[1]}.",
            long_description=long,
            features=[f"{material.capitalize()} construction", f"Made for {use[0]}",
                      f"Fits {place}", f"{rng.randint(1, 10)}-year frame warranty"],
            meta_description=f"{name}: {material} {use[0]} equipment for {place}.",
            image_path=f"img/demo/{IMAGES[category['id'] % len(IMAGES)]}.svg",
            image_alt=f"Illustration of the {name}", status="published",
            featured=rng.random() < 0.01, final_sale=rng.random() < 0.03,
            warranty_overrides={}, created_at=created, updated_at=created,
        ))
    return rows


def variant_counts(products: int, variants: int, rng: random.Random) -> list[int]:
    """How many variants each product has (1 to 9), adding up to `variants` exactly."""
    counts = [1] * products
    extra = variants - products
    while extra > 0:
        i = rng.randrange(products)
        if counts[i] < 9:
            counts[i] += 1
            extra -= 1
    return counts


def opening_stock(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.08:
        return 0
    if roll < 0.20:
        return rng.randint(1, 5)
    return rng.randint(6, 5000)


def variant_rows(products: list[dict], counts: list[int], rng: random.Random) -> list[dict]:
    rows, vid = [], 0
    for product, count in zip(products, counts):
        option_name, values = rng.choice(OPTIONS)
        base = rng.randint(15, 3000) * 100 - 1
        for position in range(count):
            vid += 1
            price = base + position * rng.choice((500, 1000, 2500))
            rows.append(dict(
                id=vid, product_id=product["id"], sku=f"BN-{product['id']:05d}-{position + 1}",
                option_name=option_name if count > 1 else "",
                option_value=values[position % len(values)] + (
                    f" #{position // len(values) + 1}" if position >= len(values) else "")
                if count > 1 else "",
                position=position, price_cents=price,
                compare_at_cents=price + 2000 if rng.random() < 0.1 else None,
                weight_g=rng.randint(200, 150_000), length_cm=rng.randint(10, 220),
                width_cm=rng.randint(10, 120), height_cm=rng.randint(5, 100),
                on_hand=opening_stock(rng), reserved=0, low_stock_threshold=3,
            ))
    return rows


def build(products: int = 10_000, variants: int = 50_000, seed: int = 2026) -> dict:
    """Insert the catalog into the app's (empty, migrated) database; returns the counts."""
    rng = random.Random(seed)
    random.seed(seed)
    if db.session.scalar(select(func.count()).select_from(Product)):
        raise SystemExit("make_catalog: the database already has products; use a scratch one")
    categories = category_rows()
    product_list = product_rows(products, categories, rng)
    variant_list = variant_rows(product_list, variant_counts(products, variants, rng), rng)
    now = utcnow()
    movements = [dict(variant_id=v["id"], delta=v["on_hand"], reason="initial",
                      actor="bench", note="Benchmark catalog opening stock", created_at=now)
                 for v in variant_list if v["on_hand"]]
    db.session.execute(insert(Category), categories)
    for table, rows in ((Product, product_list), (Variant, variant_list),
                        (StockMovement, movements)):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(table), rows[start:start + 5000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # explicit ids were inserted: move the sequences past them, then refresh statistics
        for table in ("category", "product", "variant", "stock_movement"):
            db.session.execute(db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(db.text("ANALYZE"))
    else:
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return {"categories": len(categories), "products": len(product_list),
            "variants": len(variant_list), "stock_movements": len(movements)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--variants", type=int, default=50_000)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    app = create_app()
    with app.app_context():
        counts = build(args.products, args.variants)
    print("bench catalog: " + ", ".join(f"{n} {k}" for k, n in counts.items())
          + f" in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
