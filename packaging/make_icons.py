"""Render resources/icons/cadence.svg into the PNG, .ico and .icns files that are committed."""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "cadence.svg"
APP_ID = "org.cadence.Cadence"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Apple icon types holding PNG data: (type, pixel size). 1024 px and the 512 px "256@2x"
# copy are left out to keep the committed file small; macOS scales from the next size.
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic09", 512), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),
)


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn on a transparent size x size canvas, as PNG bytes."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    with tempfile.TemporaryDirectory() as tmp:  # PNG format picked from the file name
        target = Path(tmp, "icon.png")
        if not image.save(str(target)):
            raise SystemExit(f"could not write a {size}px PNG")
        return target.read_bytes()


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An Apple .icns container: a header, then (type, length, PNG) entries."""
    body = b"".join(
        kind + (8 + len(pngs[size])).to_bytes(4, "big") + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + (8 + len(body)).to_bytes(4, "big") + body


def write_icons(svg: Path, out: Path) -> list[Path]:
    """Write hicolor PNGs, cadence.ico and cadence.icns under out; returns the files written."""
    from PIL import Image

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    pngs = {size: render_png(svg, size) for size in {*PNG_SIZES, *ICO_SIZES}}
    written: list[Path] = []
    for size in PNG_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
        written.append(target)
    images = {size: Image.open(io.BytesIO(data)) for size, data in pngs.items()}
    ico = out / "cadence.ico"
    largest_ico = images[max(ICO_SIZES)]
    largest_ico.save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    icns = out / "cadence.icns"
    icns.write_bytes(icns_bytes(pngs))
    written += [ico, icns]
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--svg", type=Path, default=SVG)
    parser.add_argument("--out", type=Path, default=SVG.parent, help="icons folder to write")
    args = parser.parse_args(argv)
    files = write_icons(args.svg, args.out)
    total = sum(f.stat().st_size for f in files)
    for f in files:
        print(f"{f.stat().st_size:>8}  {f}")
    print(f"{total:>8}  bytes in {len(files)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
