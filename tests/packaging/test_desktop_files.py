"""Icons, the .desktop entry and the AppStream metainfo: present, well formed, consistent."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from app import APP_ID, APP_NAME, __version__

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
DESKTOP = ROOT / "resources" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / f"{APP_ID}.metainfo.xml"
sys.path.insert(0, str(ROOT / "packaging"))

import make_icons  # noqa: E402


def _icns_entries(data: bytes) -> dict[bytes, bytes]:
    assert data[:4] == b"icns" and int.from_bytes(data[4:8], "big") == len(data)
    entries, at = {}, 8
    while at < len(data):
        kind, size = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "big")
        entries[kind] = data[at + 8 : at + size]
        at += size
    return entries


@pytest.mark.parametrize("size", make_icons.PNG_SIZES)
def test_hicolor_png_has_its_size(size: int) -> None:
    png = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    with Image.open(png) as image:
        assert image.size == (size, size)
        assert image.mode == "RGBA"
        assert image.getchannel("A").getextrema()[0] == 0  # transparent corners


def test_windows_ico_holds_every_size() -> None:
    with Image.open(ICONS / "cadence.ico") as ico:
        assert set(ico.info["sizes"]) == {(s, s) for s in make_icons.ICO_SIZES}


def test_macos_icns_holds_png_entries_of_the_right_sizes(tmp_path: Path) -> None:
    entries = _icns_entries((ICONS / "cadence.icns").read_bytes())
    assert set(entries) == {kind for kind, _size in make_icons.ICNS_TYPES}
    for kind, size in make_icons.ICNS_TYPES:
        png = tmp_path / f"{kind.decode()}.png"
        png.write_bytes(entries[kind])
        with Image.open(png) as image:
            assert image.size == (size, size), kind


def test_committed_icon_files_stay_small() -> None:
    total = sum(p.stat().st_size for p in ICONS.rglob("*") if p.is_file())
    assert total < 300_000


def test_svgs_render(qapp: object) -> None:
    from PySide6.QtSvg import QSvgRenderer

    for name in ("cadence", "tray-idle", "tray-running", "tray-pomodoro"):
        assert QSvgRenderer(str(ICONS / f"{name}.svg")).isValid(), name


def test_make_icons_writes_the_full_set(qapp: object, tmp_path: Path) -> None:
    written = make_icons.write_icons(ICONS / "cadence.svg", tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        *(f"hicolor/{s}x{s}/apps/{APP_ID}.png" for s in make_icons.PNG_SIZES),
        "cadence.ico",
        "cadence.icns",
    }
    with Image.open(tmp_path / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png") as image:
        assert image.size == (48, 48)


def test_desktop_entry_launches_cadence_with_its_icon() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_NAME
    assert entry["Exec"].split()[0] == "cadence"
    assert entry["Icon"] == APP_ID
    assert "Office" in entry["Categories"].split(";")


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_metainfo_names_the_app_and_the_current_version() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == __version__, "add a <release> entry"


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream")
def test_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
