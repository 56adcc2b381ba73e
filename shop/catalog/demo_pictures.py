"""Pictures for the demo catalog, drawn with Pillow: one distinct drawing per product (and per
colour variant), the same every time for the same product. Nothing is downloaded."""
import colorsys
import hashlib

from PIL import Image, ImageDraw, ImageFont, ImageOps

SIZE = (800, 600)
COLOURS = {"black": (40, 40, 44), "red": (178, 34, 34), "grey": (128, 128, 134),
           "white": (236, 236, 236), "blue": (40, 90, 170)}
INK = (34, 34, 38)


def _numbers(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def _palette(slug: str) -> tuple[tuple, tuple]:
    """A light background and an accent colour picked from the slug."""
    n = _numbers(slug)
    hue = n[0] / 255
    background = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.92, 0.45))
    accent = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.42, 0.55))
    return background, accent


def _rack(d, n, c, slug=""):
    """A rack drawn after what its name says: a stand, a wall-mount, a half rack or a cage."""
    top = 90 + n[2] % 60
    left, right = 250 - n[3] % 60, 550 + n[4] % 60
    for x in (left, right):
        d.rectangle((x - 14, top, x + 14, 470), fill=c)
        for y in range(top + 30, 460, 24):
            d.ellipse((x - 4, y - 4, x + 4, y + 4), fill=(230, 230, 230))
        if "stand" in slug:  # a foot per upright, nothing across the top
            d.rectangle((x - 70, 462, x + 70, 482), fill=INK)
    if "stand" in slug:
        return
    d.rectangle((left - 14, top - 14, right + 14, top + 6), fill=c)
    if "wall" in slug:  # the wall plate it folds against
        d.rectangle((right + 60, 60, right + 90, 500), fill=INK)
        d.line((right + 14, top, right + 60, top - 30), fill=INK, width=8)
        d.line((right + 14, 440, right + 60, 470), fill=INK, width=8)
        return
    d.rectangle((left - 70, 462, right + 70, 482), fill=INK)
    if "half" in slug:  # plate horns with plates
        for x in (left - 60, right + 20):
            d.rectangle((x, 380, x + 40, 392), fill=INK)
            d.ellipse((x - 10, 330, x + 50, 445), outline=INK, width=10)
        return
    d.rectangle((left, 330, right, 340), fill=INK)  # safeties
    d.rectangle((left - 40, top - 40, right + 40, top - 28), fill=INK)  # pull-up bar


def _bench(d, n, c):
    tilt = n[2] % 80
    d.polygon(((180, 330), (520, 330 - tilt), (520, 300 - tilt), (180, 300)), fill=c)
    d.rectangle((200, 330, 220, 460), fill=INK)
    d.rectangle((480, 330 - tilt, 500, 460), fill=INK)
    d.rectangle((160, 455, 560, 470), fill=INK)


def _barbell(d, n, c):
    d.rectangle((80, 292, 720, 308), fill=(150, 150, 150))
    plates = 1 + n[2] % 3
    for i in range(plates):
        for x in (170 - i * 34, 600 + i * 34):
            d.rounded_rectangle((x, 180, x + 28, 420), 6, fill=c if i % 2 == 0 else INK)


def _dumbbell(d, n, c):
    d.rectangle((300, 290, 500, 310), fill=(160, 160, 160))
    for x in (220, 500):
        d.regular_polygon((x + 40, 300, 70 + n[2] % 20), 6, fill=c)


def _kettlebell(d, n, c):
    r = 110 + n[2] % 40
    d.ellipse((400 - r, 460 - 2 * r, 400 + r, 460), fill=c)
    d.arc((400 - 80, 460 - 2 * r - 110, 400 + 80, 460 - 2 * r + 60), 180, 360, fill=INK,
          width=26)


def _cable(d, n, c):
    d.rectangle((200, 90, 600, 110), fill=INK)
    for x in (200, 580):
        d.rectangle((x, 90, x + 20, 480), fill=INK)
        d.rectangle((x - 50 if x < 400 else x + 30, 300, x - 10 if x < 400 else x + 70, 460),
                    fill=c)
        d.line((x + 10, 110, x + 10 + (60 if x < 400 else -60), 200 + n[2] % 80), fill=c,
               width=4)


def _rower(d, n, c):
    d.line((120, 420, 680, 420 - n[2] % 40), fill=INK, width=18)
    d.ellipse((560, 260, 720, 420), fill=c)
    d.rectangle((300, 380, 370, 400), fill=INK)
    d.rectangle((120, 420, 140, 470), fill=INK)


def _treadmill(d, n, c):
    d.polygon(((120, 430), (620, 430), (640, 460), (100, 460)), fill=INK)
    d.line((560, 430, 600, 180), fill=c, width=16)
    d.rectangle((560, 160, 680, 200), fill=c)


def _bike(d, n, c):
    d.ellipse((160, 330, 320, 490), outline=INK, width=14)
    d.ellipse((480, 330, 640, 490), outline=INK, width=14)
    d.line((240, 410, 400, 250, 560, 410), fill=c, width=18)
    d.line((400, 250, 380, 200), fill=INK, width=12)
    d.line((540, 200, 560, 410), fill=c, width=14)


def _band(d, n, c):
    for i in range(2 + n[2] % 4):
        d.ellipse((180 + i * 30, 160 + i * 25, 620 - i * 30, 460 - i * 25),
                  outline=c if i % 2 == 0 else INK, width=18)


def _mat(d, n, c):
    d.polygon(((140, 420), (560, 420), (680, 320), (260, 320)), fill=c)
    d.polygon(((140, 420), (560, 420), (560, 440), (140, 440)), fill=INK)


def _storage(d, n, c):
    d.rectangle((180, 120, 200, 470), fill=INK)
    d.rectangle((600, 120, 620, 470), fill=INK)
    for y in (200, 330, 450):
        d.rectangle((180, y, 620, y + 14), fill=c)
        for x in range(230, 600, 70):
            d.ellipse((x, y - 40, x + 40, y), fill=INK if (x + n[2]) % 3 else c)


DRAWINGS = {
    "racks": _rack, "benches": _bench, "barbells-plates": _barbell, "dumbbells": _dumbbell,
    "kettlebells": _kettlebell, "cable-machines": _cable, "rowers": _rower,
    "treadmills": _treadmill, "bikes": _bike, "resistance-bands": _band,
    "mats-flooring": _mat, "storage": _storage,
}


def draw(slug: str, category: str, name: str, brand: str, colour: str = "",
         view: int = 0) -> Image.Image:
    """A drawing of a product: its category's shape, varied and coloured by its slug (or the
    named `colour`), with its name; `view` 1 is a second picture, from the other side."""
    background, accent = _palette(slug)
    accent = COLOURS.get(colour.lower(), accent)
    image = Image.new("RGB", SIZE, background)
    d = ImageDraw.Draw(image)
    numbers = _numbers(slug)
    drawing = DRAWINGS.get(category, _storage)
    if drawing is _rack:
        drawing(d, numbers, accent, slug)
    else:
        drawing(d, numbers, accent)
    if view:  # from the other side
        image = ImageOps.mirror(image)
        d = ImageDraw.Draw(image)
    d.text((32, 24), brand.upper(), fill=INK, font=ImageFont.load_default(size=24))
    d.text((32, SIZE[1] - 64), name + (f" ({colour})" if colour else ""), fill=INK,
           font=ImageFont.load_default(size=34))
    return image
