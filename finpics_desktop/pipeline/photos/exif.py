"""The EXIF essentials a viewer shows: camera, lens, date taken, exposure, size, GPS."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from finpics_desktop.pipeline.photos.images import open_image

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
MAKE, MODEL, DATETIME = 0x010F, 0x0110, 0x0132
DATETIME_ORIGINAL, EXPOSURE_TIME, F_NUMBER, ISO = 0x9003, 0x829A, 0x829D, 0x8827
FOCAL_LENGTH, LENS_MODEL = 0x920A, 0xA434


@dataclass(frozen=True)
class PhotoFacts:
    """What the info panel lists; every field may be empty."""

    width: int = 0  # upright
    height: int = 0
    format: str = ""
    camera: str = ""
    lens: str = ""
    taken: str = ""  # "2016-07-04 18:22:10"
    exposure: str = ""  # "1/250 s · f/2.8 · ISO 200 · 35 mm"
    gps: str = ""  # "41.49008° N, 71.31283° W"
    location: str = ""  # a published photo: whether its copy carries the location


    def rows(self) -> list[tuple[str, str]]:
        rows = [("Size", f"{self.width} × {self.height}" if self.width else ""),
                ("Format", self.format), ("Camera", self.camera), ("Lens", self.lens),
                ("Taken", self.taken), ("Exposure", self.exposure), ("GPS", self.gps),
                ("Location", self.location)]
        return [(k, v) for k, v in rows if v]


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).replace("\x00", "").strip() if value is not None else ""


def _number(value) -> float | None:
    try:
        if isinstance(value, tuple) and len(value) == 2:
            return value[0] / value[1] if value[1] else None
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _exposure_time(value) -> str:
    seconds = _number(value)
    if not seconds or seconds <= 0:
        return ""
    if seconds >= 1:
        return f"{seconds:g} s"
    if 1 / seconds >= 1.5:
        return f"1/{round(1 / seconds)} s"
    return f"{Fraction(seconds).limit_denominator(10)} s"


def _dms(values, ref: str) -> float | None:
    try:
        d, m, s = (_number(v) for v in values)
    except (TypeError, ValueError):
        return None
    if d is None or m is None or s is None:
        return None
    decimal = d + m / 60 + s / 3600
    return -decimal if ref.upper() in ("S", "W") else decimal


def _camera(make: str, model: str) -> str:
    if make and model.lower().startswith(make.lower().split()[0]):
        return model
    return " ".join(p for p in (make, model) if p)


def read_facts(data: bytes, name: str) -> PhotoFacts:
    """The photo's essentials; a broken or absent EXIF block only leaves fields empty.

    Raises :class:`~finpics_desktop.domain.errors.UnsupportedImage` when it is not a photo.
    """
    im, info = open_image(data, name)
    width, height = info.upright_size
    try:
        exif = im.getexif()
        sub = exif.get_ifd(_EXIF_IFD)
        gps_ifd = exif.get_ifd(_GPS_IFD)
    except Exception:  # noqa: BLE001 - broken EXIF must never stop a photo
        return PhotoFacts(width, height, info.format)
    make, model = _text(exif.get(MAKE)), _text(exif.get(MODEL))
    lens = _text(sub.get(LENS_MODEL))
    taken = _text(sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME))
    if len(taken) >= 19 and taken[4] == ":" and taken[7] == ":":
        taken = f"{taken[:4]}-{taken[5:7]}-{taken[8:10]}{taken[10:19]}"
    parts = [_exposure_time(sub.get(EXPOSURE_TIME))]
    if (f := _number(sub.get(F_NUMBER))) and f > 0:
        parts.append(f"f/{f:.1f}".replace(".0", ""))
    iso = sub.get(ISO)
    if isinstance(iso, tuple):
        iso = iso[0] if iso else None
    if iso:
        parts.append(f"ISO {iso}")
    if (fl := _number(sub.get(FOCAL_LENGTH))) and fl > 0:
        parts.append(f"{fl:g} mm")
    gps = ""
    if gps_ifd.get(2) and gps_ifd.get(4):
        lat = _dms(gps_ifd[2], _text(gps_ifd.get(1)) or "N")
        lon = _dms(gps_ifd[4], _text(gps_ifd.get(3)) or "E")
        if lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180:
            gps = (f"{abs(lat):.5f}° {'S' if lat < 0 else 'N'}, "
                   f"{abs(lon):.5f}° {'W' if lon < 0 else 'E'}")
    return PhotoFacts(width, height, info.format, _camera(make, model), lens, taken,
                      " · ".join(p for p in parts if p), gps)




def date_taken(data: bytes, name: str) -> str:
    """When the photo was taken, ``YYYY-MM-DD HH:MM:SS`` (sortable as text; the camera's
    DateTimeOriginal, else the file's DateTime), or "" when it says nothing usable."""
    try:
        taken = read_facts(data, name).taken
    except Exception:  # noqa: BLE001 - an unreadable photo just has no date
        return ""
    if len(taken) < 19 or not taken[:4].isdigit() or taken.startswith("0000"):
        return ""  # ("0000:00:00 00:00:00": cameras whose clock was never set)
    return taken[:19]
