"""The demo catalog loaded by `flask --app wsgi seed-demo`: what a small gym-equipment shop sells.

Copy sticks to general fitness benefits: strength, conditioning, convenience,
build quality and the space a piece needs. Weights in grams, boxes in cm,
prices in cents.
"""

LB = 453.59237
# Warranty parts (0 months: the product has no such part). Cardio terms cover a motor;
# rowers and bikes the customer powers have none. Strength-machine terms cover cables and
# upholstery; a rack has neither, but its J-cups and safeties wear; a bench has no cables.
NO_MOTOR = {"Motor": 0}
RACK_PARTS = {"Cables and pulleys": 0, "Upholstery": 0, "J-cups and safeties": 12}
BENCH_PARTS = {"Cables and pulleys": 0}

# slug, name, parent slug, warranty kind, featured, description
CATEGORIES = [
    ("strength", "Strength", None, "strength_machine", False,
     "Racks, benches, bars and weights for building strength at home or in the gym."),
    ("racks", "Power Racks & Rigs", "strength", "strength_machine", True,
     "Steel racks with safeties for squats, presses and pull-ups."),
    ("benches", "Benches", "strength", "strength_machine", False,
     "Flat and adjustable benches that stay put under a heavy press."),
    ("barbells-plates", "Barbells & Plates", "strength", "free_weights", True,
     "Olympic bars, bumper plates and change plates."),
    ("dumbbells", "Dumbbells", "strength", "free_weights", True,
     "Single dumbbells from 5 to 50 lb and adjustable sets."),
    ("kettlebells", "Kettlebells", "strength", "free_weights", False,
     "Cast-iron and competition kettlebells for swings, cleans and carries."),
    ("cable-machines", "Cable Machines", "strength", "strength_machine", False,
     "Functional trainers and lat stations for smooth, adjustable resistance."),
    ("cardio", "Cardio", None, "cardio", False,
     "Rowers, treadmills and bikes for conditioning in any weather."),
    ("rowers", "Rowers", "cardio", "cardio", True,
     "Air and magnetic rowers for full-body conditioning."),
    ("treadmills", "Treadmills", "cardio", "cardio", False,
     "Folding and commercial treadmills for walking, running and intervals."),
    ("bikes", "Exercise Bikes", "cardio", "cardio", False,
     "Air bikes, spin bikes and recumbents."),
    ("accessories", "Accessories", None, "free_weights", False,
     "Bands, mats, flooring and storage that finish a home gym."),
    ("resistance-bands", "Resistance Bands", "accessories", "free_weights", True,
     "Loop bands and tube sets for warm-ups, mobility and travel workouts."),
    ("mats-flooring", "Mats & Flooring", "accessories", "free_weights", False,
     "Rubber flooring and exercise mats that protect floors and cushion movement."),
    ("storage", "Storage", "accessories", "free_weights", False,
     "Racks and trees that keep weights off the floor and the gym tidy."),
]


def _v(sku, option_name, option_value, price, weight_g, dims, stock, compare_at=None):
    length, width, height = dims
    return {
        "sku": sku, "option_name": option_name, "option_value": option_value,
        "price_cents": price, "compare_at_cents": compare_at, "weight_g": int(weight_g),
        "length_cm": length, "width_cm": width, "height_cm": height, "on_hand": stock,
    }


def _single(sku, price, weight_g, dims, stock, compare_at=None):
    return [_v(sku, "", "", price, weight_g, dims, stock, compare_at)]


def _dumbbells():
    rows = []
    for i, lb in enumerate(range(5, 55, 5)):
        # about $2 a pound, ending in .99 as shop prices do: 5 lb $9.99 ... 50 lb $99.99
        rows.append(_v(f"DB-HEX-{lb:02d}", "Weight", f"{lb} lb", lb * 200 - 1,
                       lb * LB + 150, (20 + lb // 5, 12, 12), [24, 20, 18, 16, 14, 12, 10, 8, 3, 0][i]))
    return rows


PRODUCTS = [
    # --- Racks
    dict(slug="summit-power-rack", name="Summit Power Rack", brand="Ironforge", category="racks",
         warranty=RACK_PARTS,
         featured=True,
         short="A 3x3 in. 11-gauge steel power rack with pull-up bar and flip-down safeties.",
         long="The Summit is built for heavy squats and presses at home. Laser-cut numbered "
              "uprights make it quick to set J-cups and safeties at the same height every session, "
              "and the 90 in. height fits most basement ceilings. Bolt it to the floor or to a "
              "platform for the steadiest base.",
         features=["11-gauge 3x3 in. steel uprights", "1,000 lb rated safeties",
                   "Numbered holes at 2 in. spacing", "Footprint 49 x 53 in."],
         variants=_single("RK-SUMMIT", 79900, 148_000, (220, 60, 30), 6, 89900)),
    dict(slug="compact-squat-stand", name="Compact Squat Stand", brand="Ironforge", category="racks",
         warranty=RACK_PARTS,
         short="A freestanding squat stand for small rooms and garage gyms.",
         long="Two uprights on a wide base give you a place to squat and press where a full rack "
              "won't fit. It packs down flat when you need the floor back.",
         features=["Height-adjustable uprights", "Pair of J-cups included", "Fits under 7 ft ceilings"],
         variants=_single("RK-STAND", 34900, 41_000, (140, 40, 20), 9)),
    dict(slug="wall-mount-folding-rack", name="Wall-Mount Folding Rack", brand="Northline",
         warranty=RACK_PARTS,
         category="racks",
         short="A rack that folds flat to the wall in under a minute.",
         long="Mount it to studs, swing it out for your session, and fold it back to park the car. "
              "Strong enough for serious squats and bench presses.",
         features=["Folds to 5 in. from the wall", "Pull-up bar included", "Stud-mount hardware"],
         variants=[_v("RK-FOLD-BLK", "Colour", "Black", 49900, 52_000, (160, 30, 20), 4),
                   _v("RK-FOLD-RED", "Colour", "Red", 51900, 52_000, (160, 30, 20), 2)]),
    dict(slug="half-rack-with-storage", name="Half Rack with Plate Storage", brand="Northline",
         warranty=RACK_PARTS,
         category="racks",
         short="An open half rack with six plate horns and spotter arms.",
         long="A half rack keeps the front open for easy walk-outs while the plate horns keep your "
              "bumpers within reach. Spotter arms adjust in 2 in. steps.",
         features=["Six plate storage horns", "Adjustable spotter arms", "Multi-grip pull-up bar"],
         variants=_single("RK-HALF", 64900, 118_000, (210, 55, 28), 3)),
    # --- Benches
    dict(slug="flat-utility-bench", name="Flat Utility Bench", brand="Oakridge Athletics",
         warranty=BENCH_PARTS,
         category="benches", featured=True,
         short="A stable flat bench at competition height for presses and rows.",
         long="Wide 12 in. pad, rubber feet and a 3-post base keep it steady under heavy presses. "
              "A rear handle and wheels make it easy to move.",
         features=["1,000 lb weight capacity", "17 in. pad height", "Handle and wheels for moving"],
         variants=_single("BN-FLAT", 19900, 24_000, (125, 35, 20), 15)),
    dict(slug="adjustable-fid-bench", name="Adjustable FID Bench", brand="Oakridge Athletics",
         warranty=BENCH_PARTS,
         category="benches",
         short="Flat, incline and decline positions with a no-gap seat.",
         long="Seven back angles and three seat angles cover presses, rows and curls from one bench. "
              "The pop-pin adjustment changes position in seconds.",
         features=["7 back positions from -10 to 85 degrees", "No-gap seat design",
                   "700 lb weight capacity"],
         variants=[_v("BN-FID-BLK", "Upholstery", "Black", 34900, 38_000, (140, 45, 30), 7),
                   _v("BN-FID-GRY", "Upholstery", "Grey", 34900, 38_000, (140, 45, 30), 0)]),
    dict(slug="preacher-curl-attachment", name="Preacher Curl Attachment", brand="Oakridge Athletics",
         warranty=BENCH_PARTS,
         category="benches",
         short="A padded arm rest that clips onto our adjustable benches.",
         long="Turns the FID bench into a preacher station for strict curls and extensions.",
         features=["Fits FID and flat utility benches", "Dense foam pad", "Tool-free fitting"],
         variants=_single("BN-PREACH", 8900, 6_500, (60, 35, 20), 11)),
    # --- Barbells & plates
    dict(slug="olympic-barbell-20kg", name="Olympic Barbell 20 kg", brand="Ironforge",
         category="barbells-plates", featured=True,
         short="A 28 mm, 20 kg bar with dual knurl marks and bronze bushings.",
         long="A do-everything bar for squats, presses, deadlifts and cleans. Medium knurling grips "
              "without tearing hands, and the bushings give a smooth, quiet spin.",
         features=["190,000 PSI tensile strength", "Black zinc shaft, chrome sleeves",
                   "Dual IPF and IWF knurl marks"],
         variants=_single("BB-OLY-20", 29900, 20_500, (225, 12, 12), 12)),
    dict(slug="training-barbell-15kg", name="Training Barbell 15 kg", brand="Ironforge",
         category="barbells-plates",
         short="A 25 mm, 15 kg bar sized for smaller hands.",
         long="The thinner shaft makes the hook grip and front rack comfortable for lifters with "
              "smaller hands, with the same sleeves as our 20 kg bar.",
         features=["25 mm shaft", "Bronze bushings", "Centre-less knurl"],
         variants=_single("BB-OLY-15", 26900, 15_500, (210, 12, 12), 8)),
    dict(slug="bumper-plates", name="Rubber Bumper Plates (pair)", brand="Ironforge",
         category="barbells-plates",
         short="Dense rubber bumpers with steel inserts, sold in pairs.",
         long="Drop-friendly plates with a low bounce, stainless inserts and a standard 450 mm "
              "diameter so every pair sits the bar at the same height.",
         features=["Sold as a pair", "Steel hub insert", "Low-bounce virgin rubber"],
         variants=[_v("PL-BMP-10", "Weight", "10 lb pair", 5900, 9_500, (46, 46, 8), 20),
                   _v("PL-BMP-25", "Weight", "25 lb pair", 10900, 23_000, (46, 46, 12), 14),
                   _v("PL-BMP-35", "Weight", "35 lb pair", 14900, 32_500, (46, 46, 15), 6),
                   _v("PL-BMP-45", "Weight", "45 lb pair", 18900, 41_500, (46, 46, 18), 5)]),
    dict(slug="change-plate-set", name="Steel Change Plate Set", brand="Ironforge",
         category="barbells-plates",
         short="Calibrated 1.25 to 5 lb plates for small, steady jumps.",
         long="Small plates let you add weight in modest steps week after week.",
         features=["Pairs of 1.25, 2.5 and 5 lb", "Machined to +/- 10 g", "Colour-coded rims"],
         variants=_single("PL-CHANGE", 8900, 8_200, (25, 25, 10), 18)),
    dict(slug="spring-collars", name="Quick-Release Collars", brand="Northline",
         category="barbells-plates",
         short="Lock plates on the sleeve with one hand.",
         long="Nylon collars with a steel latch hold plates tight during lifts and come off in a second.",
         features=["Fits 2 in. Olympic sleeves", "One-hand latch", "Pair"],
         variants=_single("BB-COLLAR", 2900, 400, (20, 12, 6), 40)),
    # --- Dumbbells
    dict(slug="rubber-hex-dumbbell", name="Rubber Hex Dumbbell", brand="Oakridge Athletics",
         category="dumbbells", featured=True,
         short="A rubber-coated hex dumbbell, sold singly from 5 to 50 lb.",
         long="Hex heads stop the dumbbell rolling away between sets, the rubber protects floors, "
              "and the knurled chrome handle gives a sure grip. Buy one for goblet squats or pairs "
              "for presses and rows.",
         features=["Sold individually", "Knurled chrome handle", "Hex heads don't roll"],
         variants=_dumbbells()),
    dict(slug="adjustable-dumbbell-set", name="Adjustable Dumbbell Pair 5-52.5 lb",
         brand="Northline", category="dumbbells",
         short="A dial-select pair that replaces fifteen sets of dumbbells.",
         long="Turn the dial to choose from 5 to 52.5 lb in 2.5 lb steps. The pair lives in its "
              "trays and takes up about as much floor as a small end table.",
         features=["15 weight settings per dumbbell", "Storage trays included",
                   "Saves the space of a full rack"],
         variants=_single("DB-ADJ-525", 42900, 50_000, (45, 40, 30), 5, 49900)),
    dict(slug="dumbbell-handles", name="Loadable Dumbbell Handles", brand="Ironforge",
         category="dumbbells",
         short="Olympic-sleeve handles you load with your own plates.",
         long="A compact way to go heavy on presses and rows using plates you already own.",
         features=["Pair of handles", "Takes 2 in. plates", "Collars included"],
         variants=_single("DB-LOAD", 11900, 7_000, (50, 20, 12), 9)),
    # --- Kettlebells
    dict(slug="cast-iron-kettlebell", name="Cast-Iron Kettlebell", brand="Oakridge Athletics",
         category="kettlebells", featured=True,
         short="A one-piece cast kettlebell with a smooth, wide handle.",
         long="Cast in a single piece with no seams or welds, with a powder coat that grips chalk. "
              "A classic tool for swings, cleans, snatches and carries.",
         features=["Single-piece casting", "Flat base for stable storage", "Weight marked in kg and lb"],
         variants=[_v(f"KB-CI-{kg:02d}", "Weight", f"{kg} kg", 2900 + kg * 250, kg * 1000 + 300,
                      (25, 22, 30), stock)
                   for kg, stock in ((8, 15), (12, 12), (16, 10), (20, 7), (24, 5), (32, 2))]),
    dict(slug="competition-kettlebell", name="Competition Kettlebell", brand="Ironforge",
         category="kettlebells",
         short="Steel competition bells: same size at every weight.",
         long="Every bell has the same dimensions whatever its weight, so your rack position and "
              "technique stay the same as you move up.",
         features=["Uniform size at every weight", "Colour-coded by weight", "Steel shell"],
         variants=[_v(f"KB-COMP-{kg:02d}", "Weight", f"{kg} kg", 5900 + kg * 300, kg * 1000 + 300,
                      (28, 22, 30), stock) for kg, stock in ((12, 6), (16, 6), (20, 4), (24, 3))]),
    dict(slug="adjustable-kettlebell", name="Adjustable Kettlebell 12-32 kg", brand="Northline",
         category="kettlebells",
         short="Six kettlebells in one with a twist-lock selector.",
         long="Change from 12 to 32 kg in 4 kg steps with a twist of the handle. Good for small "
              "spaces where a full set won't fit.",
         features=["6 weight settings", "Twist-lock selector", "Steel and cast-iron plates"],
         variants=_single("KB-ADJ", 24900, 33_000, (35, 30, 35), 4)),
    # --- Cable machines
    dict(slug="functional-trainer", name="Dual-Stack Functional Trainer", brand="Northline",
         category="cable-machines", featured=True,
         short="Two 200 lb stacks with 20 pulley positions for cable work of every kind.",
         long="Independent stacks let you train one side at a time or both together. The pulleys "
              "slide to 20 heights, and a pull-up bar sits across the top.",
         features=["Two 200 lb weight stacks", "2:1 cable ratio for smooth starts",
                   "20 pulley positions", "Pull-up bar and handles included"],
         variants=_single("CM-FT-200", 299900, 290_000, (190, 100, 80), 2)),
    dict(slug="lat-pulldown-low-row", name="Lat Pulldown & Low Row", brand="Oakridge Athletics",
         category="cable-machines",
         short="A plate-loaded station for pulldowns and seated rows.",
         long="Load your own plates on the carriage and switch between pulldowns and low rows by "
              "moving the seat. Thigh pads keep you anchored.",
         features=["Plate-loaded carriage", "Adjustable thigh hold-down", "Lat bar and row handle"],
         variants=_single("CM-LAT", 59900, 72_000, (180, 70, 35), 3)),
    dict(slug="cable-attachment-kit", name="Cable Attachment Kit", brand="Oakridge Athletics",
         category="cable-machines",
         short="Rope, straight bar, V-handle and two D-handles.",
         long="The attachments you reach for most, in one box, with a storage hook.",
         features=["5 attachments", "Steel swivels", "Wall hook included"],
         variants=_single("CM-KIT", 9900, 5_000, (70, 30, 12), 16)),
    # --- Rowers
    dict(slug="air-rower", name="Air Rower", brand="Tempo Cardio", category="rowers", featured=True,
         warranty=NO_MOTOR,
         short="A fan-resistance rower that matches your effort stroke for stroke.",
         long="Row harder and the fan pushes back harder: from an easy warm-up to hard intervals. "
              "The monitor shows pace, watts, distance and stroke rate, and the rail splits in two "
              "to store upright.",
         features=["Air resistance with damper 1 to 10", "Monitor with pace, watts and distance",
                   "Splits in two for storage", "Seat height 14 in."],
         variants=_single("RW-AIR", 99900, 31_000, (215, 60, 55), 5)),
    dict(slug="magnetic-rower", name="Magnetic Rower", brand="Tempo Cardio", category="rowers",
         warranty=NO_MOTOR,
         short="A quiet magnetic rower for apartments and early mornings.",
         long="Sixteen resistance levels with a near-silent flywheel so you can row while others "
              "sleep. Folds upright on its own wheels.",
         features=["16 magnetic resistance levels", "Quiet flywheel", "Folds upright"],
         variants=_single("RW-MAG", 64900, 38_000, (140, 55, 45), 6)),
    dict(slug="water-rower", name="Water Rower", brand="Tempo Cardio", category="rowers",
         warranty=NO_MOTOR,
         short="An ash-wood rower with a water tank for a smooth, even stroke.",
         long="The water tank gives a smooth pull and a soft sound; the solid ash frame looks at "
              "home in a living room.",
         features=["Solid ash frame", "Adjustable water level", "Stands upright for storage"],
         variants=_single("RW-WATER", 119900, 42_000, (210, 58, 50), 0)),
    # --- Treadmills
    dict(slug="folding-treadmill", name="Folding Treadmill T5", brand="Tempo Cardio",
         category="treadmills", featured=True,
         short="A 3.0 HP folding treadmill with a 20 x 60 in. belt and 12 incline levels.",
         long="Room for walking, running and intervals, with a deck that folds up on a gas strut. "
              "Speeds to 12 mph and a heart-rate readout from the grips.",
         features=["3.0 HP continuous-duty motor", "20 x 60 in. running belt",
                   "0 to 12 mph, 12 incline levels", "Folds with soft-drop strut"],
         variants=_single("TM-T5", 149900, 105_000, (200, 90, 35), 4, 169900)),
    dict(slug="walking-pad", name="Under-Desk Walking Pad", brand="Tempo Cardio",
         category="treadmills",
         short="A slim walking treadmill that slides under a sofa or desk.",
         long="Add easy steps to a workday: up to 4 mph with a remote control, and just 5 in. "
              "tall for storage.",
         features=["0.5 to 4 mph", "Remote control", "5 in. tall"],
         variants=_single("TM-PAD", 39900, 23_000, (145, 60, 16), 10)),
    dict(slug="commercial-treadmill", name="Commercial Treadmill C9", brand="Tempo Cardio",
         category="treadmills",
         short="A 4.0 HP AC-motor treadmill built for daily hard use.",
         long="A 22 x 62 in. belt, 15 % incline and a heavy steel frame make it a fit for a "
              "garage gym with several users or a small studio.",
         features=["4.0 HP AC motor", "22 x 62 in. belt", "0 to 15 % incline"],
         variants=_single("TM-C9", 389900, 170_000, (215, 95, 45), 1)),
    # --- Bikes
    dict(slug="air-bike", name="Fan Air Bike", brand="Tempo Cardio", category="bikes", featured=True,
         warranty=NO_MOTOR,
         short="Arms and legs together against fan resistance.",
         long="The harder you push and pull, the more the fan resists. A sturdy steel frame and a "
              "belt drive keep it stable and low maintenance.",
         features=["Unlimited air resistance", "Belt drive", "Console with calories, watts and time"],
         variants=_single("BK-AIR", 79900, 54_000, (125, 65, 35), 6)),
    dict(slug="spin-bike", name="Indoor Cycle S3", brand="Tempo Cardio", category="bikes",
         warranty=NO_MOTOR,
         short="A magnetic spin bike with a 40 lb flywheel feel.",
         long="Micro-adjust resistance with a turn of the knob and set the seat and bars for a "
              "proper road-bike fit. SPD and toe-cage pedals included.",
         features=["Magnetic resistance", "4-way adjustable seat", "Dual-sided pedals"],
         variants=[_v("BK-S3-BLK", "Colour", "Black", 69900, 48_000, (120, 60, 30), 5),
                   _v("BK-S3-WHT", "Colour", "White", 69900, 48_000, (120, 60, 30), 3)]),
    dict(slug="recumbent-bike", name="Recumbent Bike R2", brand="Tempo Cardio", category="bikes",
         warranty=NO_MOTOR,
         short="A step-through recumbent with a supportive backrest.",
         long="A low step-through frame and a padded backrest make longer rides comfortable. "
              "Sixteen levels of resistance.",
         features=["Step-through frame", "16 resistance levels", "Transport wheels"],
         variants=_single("BK-R2", 54900, 52_000, (150, 60, 45), 4)),
    # --- Bands
    dict(slug="loop-band-set", name="Loop Resistance Band Set", brand="FlexBand Co",
         category="resistance-bands", featured=True,
         short="Five latex loop bands from extra light to extra heavy.",
         long="Warm up, add resistance to squats and push-ups, or take a full workout on the road. "
              "Each band is colour-coded by resistance.",
         features=["5 resistance levels", "Travel pouch", "Layered latex"],
         variants=_single("BD-LOOP5", 2900, 450, (20, 15, 5), 60)),
    dict(slug="pull-up-assist-band", name="Pull-Up Assist Band", brand="FlexBand Co",
         category="resistance-bands",
         short="A 41 in. power band for assisted pull-ups and stretching.",
         long="Loop it over the bar to take weight off pull-ups as you build up to bodyweight reps.",
         features=["41 in. continuous loop", "Sold singly"],
         variants=[_v(f"BD-PU-{code}", "Resistance", label, price, grams, (22, 16, 4), stock)
                   for code, label, price, grams, stock in (
                       ("LT", "Light (15-35 lb)", 1900, 250, 30),
                       ("MD", "Medium (25-65 lb)", 2400, 400, 25),
                       ("HV", "Heavy (50-120 lb)", 3200, 700, 12))]),
    dict(slug="tube-band-kit", name="Tube Band Kit with Door Anchor", brand="FlexBand Co",
         category="resistance-bands",
         short="Stackable tube bands with handles, ankle straps and a door anchor.",
         long="Clip bands together for up to 150 lb of resistance and train presses, rows and "
              "curls anywhere with a door.",
         features=["5 stackable tubes", "Handles and ankle straps", "Door anchor"],
         variants=_single("BD-TUBE", 3900, 1_200, (30, 22, 8), 35)),
    # --- Mats and flooring
    dict(slug="rubber-gym-tiles", name="Rubber Gym Tiles (4-pack)", brand="Northline",
         category="mats-flooring",
         short="3/4 in. interlocking rubber tiles that protect floors under heavy lifts.",
         long="Four 2 x 2 ft tiles that lock together without glue. Dense rubber absorbs the noise "
              "of dropped plates and protects concrete and wood.",
         features=["3/4 in. thick", "Covers 16 sq ft", "Interlocking edges"],
         variants=_single("FL-TILE4", 11900, 30_000, (62, 62, 10), 20)),
    dict(slug="exercise-mat", name="Thick Exercise Mat", brand="FlexBand Co",
         category="mats-flooring", featured=True,
         short="A 15 mm mat for floor work, stretching and core training.",
         long="Dense foam cushions knees and elbows on hard floors, and a carry strap makes it easy "
              "to take along.",
         features=["15 mm thick", "Non-slip underside", "Carry strap"],
         variants=[_v("MT-15-BLU", "Colour", "Blue", 3400, 1_100, (62, 15, 15), 25),
                   _v("MT-15-GRY", "Colour", "Grey", 3400, 1_100, (62, 15, 15), 18)]),
    dict(slug="deadlift-platform", name="Deadlift Platform", brand="Ironforge",
         category="mats-flooring",
         short="A wood-and-rubber platform that takes dropped deadlifts.",
         long="A plywood centre for stable footing and rubber wings under the plates to absorb "
              "drops and noise.",
         features=["8 x 4 ft", "Plywood centre, rubber sides", "Low 1.5 in. profile"],
         variants=_single("FL-PLAT", 44900, 95_000, (245, 125, 15), 2)),
    # --- Storage
    dict(slug="dumbbell-rack", name="Two-Tier Dumbbell Rack", brand="Ironforge",
         category="storage",
         short="Holds ten pairs of dumbbells off the floor.",
         long="Angled saddles show every weight at a glance and keep dumbbells from rolling.",
         features=["Holds 10 pairs", "Angled saddles", "Rubber-lined shelves"],
         variants=_single("ST-DBRACK", 24900, 30_000, (135, 45, 15), 5)),
    dict(slug="plate-tree", name="Plate Tree with Bar Holder", brand="Ironforge",
         category="storage",
         short="Six horns and two vertical bar holders on a small footprint.",
         long="Keeps plates and two barbells tidy and off the floor.",
         features=["6 plate horns", "2 bar holders", "Wheels and handle"],
         variants=_single("ST-TREE", 16900, 25_000, (90, 50, 15), 6)),
    dict(slug="wall-storage-kit", name="Wall Storage Kit", brand="Northline", category="storage",
         short="Hooks and shelves for bands, collars, ropes and bars.",
         long="Clear the floor with a modular wall rail and seven hooks and holders.",
         features=["Modular wall rail", "7 hooks and holders", "Stud-mount hardware"],
         variants=_single("ST-WALL", 7900, 6_000, (100, 20, 10), 12)),
    dict(slug="kettlebell-shelf", name="Kettlebell Shelf", brand="Oakridge Athletics",
         category="storage",
         short="Two shelves for up to twelve kettlebells.",
         long="A heavy steel shelf that keeps kettlebells at hand height.",
         features=["Holds 12 kettlebells", "Powder-coated steel", "Rubber shelf liners"],
         variants=_single("ST-KBSHELF", 18900, 28_000, (110, 45, 15), 0)),
]


# ---- specifications: grams and millimetres ---------------------------------------------

def lb(pounds: float) -> int:
    """Grams in `pounds`."""
    return round(pounds * LB)


def inch(*inches: float):
    """Millimetres (to a tenth) in one length, or a [length, width] footprint."""
    mms = [round(value * 25.4, 1) for value in inches]
    mms = [int(mm) if mm == int(mm) else mm for mm in mms]
    return mms[0] if len(mms) == 1 else mms


# The attributes each category's spec table and comparison list (shop.catalog.specs).
CATEGORY_SPECS = {
    "racks": ["rated_load", "footprint", "height", "product_weight"],
    "benches": ["rated_load", "pad_height", "footprint", "product_weight"],
    "barbells-plates": ["bar_diameter", "product_weight", "material"],
    "dumbbells": ["material"],
    "kettlebells": ["material"],
    "cable-machines": ["resistance_type", "footprint", "height", "product_weight"],
    "rowers": ["resistance_type", "resistance_levels", "max_user_weight", "footprint",
               "product_weight"],
    "treadmills": ["max_user_weight", "footprint", "height", "product_weight"],
    "bikes": ["resistance_type", "resistance_levels", "max_user_weight", "footprint",
              "product_weight"],
    "resistance-bands": ["material", "resistance_levels"],
    "mats-flooring": ["thickness", "footprint", "material"],
    "storage": ["rated_load", "footprint", "height"],
}

SPECS = {
    "summit-power-rack": dict(rated_load=lb(1000), footprint=inch(49, 53), height=inch(90),
                              product_weight=lb(300)),
    "compact-squat-stand": dict(rated_load=lb(600), footprint=inch(48, 48), height=inch(83),
                                product_weight=lb(85)),
    "wall-mount-folding-rack": dict(rated_load=lb(700), footprint=inch(51, 22),
                                    height=inch(90), product_weight=lb(105)),
    "half-rack-with-storage": dict(rated_load=lb(800), footprint=inch(52, 48), height=inch(92),
                                   product_weight=lb(240)),
    "flat-utility-bench": dict(rated_load=lb(1000), pad_height=inch(17), footprint=inch(48, 22),
                               product_weight=lb(50)),
    "adjustable-fid-bench": dict(rated_load=lb(700), pad_height=inch(17.5),
                                 footprint=inch(54, 25), product_weight=lb(80)),
    "preacher-curl-attachment": dict(product_weight=lb(14)),
    "olympic-barbell-20kg": dict(bar_diameter=28, product_weight=20_000,
                                 material="Steel, black zinc shaft and chrome sleeves"),
    "training-barbell-15kg": dict(bar_diameter=25, product_weight=15_000,
                                  material="Steel, bright zinc"),
    "bumper-plates": dict(material="Virgin rubber with steel hub"),
    "change-plate-set": dict(material="Machined steel"),
    "spring-collars": dict(material="Nylon with steel latch"),
    "rubber-hex-dumbbell": dict(material="Rubber-coated cast iron, chrome handle"),
    "adjustable-dumbbell-set": dict(material="Steel plates, plastic trays"),
    "dumbbell-handles": dict(material="Steel"),
    "cast-iron-kettlebell": dict(material="Cast iron, powder coat"),
    "competition-kettlebell": dict(material="Steel shell"),
    "adjustable-kettlebell": dict(material="Steel and cast iron"),
    "functional-trainer": dict(resistance_type="Two 200 lb weight stacks",
                               footprint=inch(62, 40), height=inch(84),
                               product_weight=lb(640)),
    "lat-pulldown-low-row": dict(resistance_type="Plate-loaded", footprint=inch(60, 36),
                                 height=inch(82), product_weight=lb(155)),
    "air-rower": dict(resistance_type="Air (fan)", resistance_levels=10,
                      max_user_weight=lb(500), footprint=inch(96, 24), product_weight=lb(57)),
    "magnetic-rower": dict(resistance_type="Magnetic", resistance_levels=16,
                           max_user_weight=lb(300), footprint=inch(84, 22),
                           product_weight=lb(75)),
    "water-rower": dict(resistance_type="Water", max_user_weight=lb(700),
                        footprint=inch(82, 22), product_weight=lb(80)),
    "folding-treadmill": dict(max_user_weight=lb(300), footprint=inch(77, 35), height=inch(57),
                              product_weight=lb(220)),
    "walking-pad": dict(max_user_weight=lb(265), footprint=inch(56, 22), height=inch(5),
                        product_weight=lb(48)),
    "commercial-treadmill": dict(max_user_weight=lb(400), footprint=inch(84, 36),
                                 height=inch(62), product_weight=lb(370)),
    "air-bike": dict(resistance_type="Air (fan)", max_user_weight=lb(350),
                     footprint=inch(51, 24), product_weight=lb(113)),
    "spin-bike": dict(resistance_type="Magnetic", max_user_weight=lb(300),
                      footprint=inch(48, 22), product_weight=lb(100)),
    "recumbent-bike": dict(resistance_type="Magnetic", resistance_levels=16,
                           max_user_weight=lb(300), footprint=inch(60, 26),
                           product_weight=lb(110)),
    "loop-band-set": dict(material="Layered latex", resistance_levels=5),
    "pull-up-assist-band": dict(material="Layered latex"),
    "tube-band-kit": dict(material="Latex tubes, nylon straps", resistance_levels=5),
    "rubber-gym-tiles": dict(thickness=19, footprint=inch(24, 24), material="Recycled rubber"),
    "exercise-mat": dict(thickness=15, footprint=inch(72, 24), material="NBR foam"),
    "deadlift-platform": dict(thickness=38, footprint=inch(96, 48),
                              material="Plywood and rubber"),
    "dumbbell-rack": dict(rated_load=lb(1000), footprint=inch(53, 18), height=inch(32)),
    "plate-tree": dict(rated_load=lb(600), footprint=inch(35, 20), height=inch(48)),
    "wall-storage-kit": dict(rated_load=lb(150)),
    "kettlebell-shelf": dict(rated_load=lb(800), footprint=inch(43, 18), height=inch(30)),
}
