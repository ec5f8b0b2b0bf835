"""What the PyInstaller bundle leaves out: excluded modules, filtered files, unused libraries."""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Literal

# A PyInstaller TOC entry: (destination inside the bundle, source path, type code).
Entry = tuple[str, str, str]

# Qt modules the app never uses and that weigh tens of MB (QML engine, Quick, WebEngine, PDF...).
_HEAVY = (
    r"(Qml|Quick|WebEngine|WebChannel|WebSockets|WebView|Pdf|3D|Designer|Help|UiTools|"
    r"Multimedia|SpatialAudio|TextToSpeech|Charts|Graphs|DataVisualization|Location|"
    r"Positioning|Bluetooth|Nfc|Sensors|Serial|RemoteObjects|Scxml|StateMachine|HttpServer|"
    r"VirtualKeyboard|ShaderTools|CanvasPainter)"
)
HEAVY_QT = re.compile(r"Qt" + _HEAVY)

# Optional imports of third-party libraries that the app never reaches: GUI toolkits other
# than Qt, matplotlib back-ends other than QtAgg, test suites, code generators, Pillow codecs
# the charts do not need, and pretty-printers that Mako/pyparsing/numpy import when present.
EXCLUDED_MODULES = (
    "tkinter",
    "_tkinter",
    "matplotlib.tests",
    "matplotlib.testing",
    "numpy.f2py",
    "numpy.testing",
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL.WebPImagePlugin",
    "PIL._imagingft",
    "PIL._imagingcms",
    "PIL.ImageCms",
    "PIL._imagingtk",
    "PIL.ImageTk",
    "PIL.ImageQt",
    "pygments",
    "jinja2",
    "pyparsing.diagram",
    "yaml",
    "IPython",
    "matplotlib_inline",
    "PyQt5",
    "PyQt6",
    "PySide2",
)
_MPL_BACKEND = re.compile(
    r"^matplotlib\.backends\.(_?backend_)(tk|gtk|wx|web|nbagg|macosx|qt5|cairo)"
)

# Qt plugins kept, by folder; a folder not listed here is dropped whole. A feature that needs
# another plugin (say printsupport) adds it here.
KEEP_PLUGINS: dict[str, re.Pattern[str]] = {
    "platforms": re.compile(r"^(lib)?q(xcb|offscreen|minimal|wayland.*|windows|cocoa)\b"),
    "platformthemes": re.compile(r"^(?!(lib)?qgtk3).*"),  # gtk3 drags in the whole GTK stack
    "imageformats": re.compile(r"^(lib)?q(svg|ico)\b"),  # PNG is built into QtGui
    "iconengines": re.compile(r"^(lib)?qsvgicon\b"),
    "tls": re.compile(r".*"),
    "xcbglintegrations": re.compile(r".*"),
    "platforminputcontexts": re.compile(r".*"),  # compose (dead keys) and ibus input methods
    "wayland-shell-integration": re.compile(r"^(lib)?xdg-shell\b"),
    "wayland-decoration-client": re.compile(r".*"),
    "wayland-graphics-integration-client": re.compile(r".*"),
    "styles": re.compile(r".*"),  # macOS/Windows native styles
}

_QT_PREFIX = re.compile(r"^PySide6/Qt/")
_PLUGIN = re.compile(r"^PySide6/(Qt/)?plugins/(?P<kind>[^/]+)/(?P<name>[^/]+)$")
_DROPPED_FILES = (
    (re.compile(r"^PySide6/(Qt/)?translations/"), "Qt translations (none shipped)"),
    (re.compile(r"^PySide6/Qt/(qml|metatypes|libexec)/"), "Qt QML/tooling files"),
    (re.compile(r"(^|/)(lib)?(pyside6qml|Qt6?" + _HEAVY + ")"), "unused Qt module"),
    (re.compile(r"^matplotlib/mpl-data/sample_data/"), "matplotlib sample data"),
    (re.compile(r"^matplotlib/backends/web_backend/"), "matplotlib web back-end assets"),
    # Charts use the default sans-serif font; PS/PDF core-font metrics are for print back-ends.
    (re.compile(r"^matplotlib/mpl-data/fonts/(afm|pdfcorefonts)/"), "matplotlib print fonts"),
    (re.compile(r"^matplotlib/mpl-data/fonts/ttf/DejaVu(Serif|SansMono)"), "unused font"),
    (re.compile(r"(^|/)lib(gtk|gdk)-"), "GTK"),
    (re.compile(r"(^|/)__pycache__/"), "byte-code cache"),
)
_LIB_NAME = re.compile(r"^lib.*\.so(\.\d+)*$|^.*\.dylib$|^.*\.dll$", re.IGNORECASE)


def excluded_modules(available: Iterable[str]) -> list[str]:
    """Module names to pass to Analysis(excludes=...), given the importable module names."""
    found = [
        name
        for name in available
        if (name.startswith("PySide6.") and HEAVY_QT.search(name)) or _MPL_BACKEND.match(name)
    ]
    return sorted({*EXCLUDED_MODULES, *found})


def package_modules(package_dir: Path) -> list[str]:
    """Every module of a source package, for hidden imports: the CLI and UI load some of
    their own modules by name (importlib), which PyInstaller's analysis cannot follow."""
    top = package_dir.name
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir).with_suffix("").parts
        if "__pycache__" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append(".".join((top, *parts)))
    return found


def imports_of(sources: Iterable[Path], is_module: Callable[[str], bool]) -> list[str]:
    """Modules that Python files loaded at run time as data (Alembic migrations) import.

    PyInstaller cannot see these imports, so they become hidden imports; ``from a import b``
    adds ``a.b`` too when ``is_module("a.b")`` says it is a module.
    """
    found: set[str] = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if is_module(f"{node.module}.{alias.name}")
                )
    found.discard("__future__")
    return sorted(found)


def drop_reason(dest: str) -> str | None:
    """Why a file is left out of the bundle, or None to keep it (dest uses / separators)."""
    dest = dest.replace("\\", "/")
    plugin = _PLUGIN.match(dest)
    if plugin:
        keep = KEEP_PLUGINS.get(plugin["kind"])
        if keep is None:
            return f"Qt plugin folder {plugin['kind']} not used"
        return None if keep.match(plugin["name"]) else f"Qt {plugin['kind']} plugin not used"
    for pattern, reason in _DROPPED_FILES:
        if pattern.search(dest):
            return reason
    return None


def _is_prunable(entry: Entry) -> bool:
    """Shared libraries PyInstaller added only as dependencies: top level or Qt's lib folder."""
    dest, _src, kind = entry
    dest = dest.replace("\\", "/")
    name = PurePosixPath(dest).name
    if kind != "BINARY" or not _LIB_NAME.match(name):
        return False
    if "python" in name.lower():  # libpython is loaded by the bootloader, not by a library
        return False
    return "/" not in dest or dest.startswith("PySide6/Qt/lib/")


def prune_unused(entries: list[Entry], needs: Callable[[str], set[str]]) -> list[Entry]:
    """Drop dependency libraries that no kept extension, plugin or package library needs.

    ``needs(src)`` returns the base names of every library src loads (transitively, as
    ``ldd`` reports them). Run after the file filters, this removes what only the dropped
    files needed, e.g. the GTK stack behind the gtk3 platform theme. Symbolic links go with
    their targets.
    """
    files = [e for e in entries if e[2] != "SYMLINK"]
    needed: set[str] = set()
    for dest, src, kind in files:
        if not _is_prunable((dest, src, kind)):
            needed |= needs(src)
    kept = [
        e
        for e in files
        if not _is_prunable(e) or {PurePosixPath(e[0]).name, PurePosixPath(e[1]).name} & needed
    ]
    kept_dests = {e[0] for e in kept}
    links = [e for e in entries if e[2] == "SYMLINK" and e[1].replace("\\", "/") in kept_dests]
    return kept + links


def has_debug_info(path: Path) -> bool:
    """True if path is an ELF file with .debug_* sections (read from its section name table)."""
    try:
        with path.open("rb") as f:
            head = f.read(64)
            if len(head) < 64 or head[:4] != b"\x7fELF":
                return False
            wide = head[4] == 2
            order: Literal["little", "big"] = "little" if head[5] == 1 else "big"

            def num(data: bytes, at: int, size: int) -> int:
                return int.from_bytes(data[at : at + size], order)

            shoff = num(head, 0x28, 8) if wide else num(head, 0x20, 4)
            entsize = num(head, 0x3A if wide else 0x2E, 2)
            strndx = num(head, 0x3E if wide else 0x32, 2)
            f.seek(shoff + strndx * entsize)
            section = f.read(entsize)
            offset = num(section, 0x18, 8) if wide else num(section, 0x10, 4)
            size = num(section, 0x20, 8) if wide else num(section, 0x14, 4)
            f.seek(offset)
            return b".debug_info\x00" in f.read(size)
    except OSError:
        return False


def strip_debug(entries: list[Entry], workdir: Path) -> list[Entry]:
    """Point ELF files that carry debug sections at stripped copies (strip --strip-debug).

    Some interpreters (pyenv builds) and wheels ship unstripped libraries: libpython alone
    drops from 23 MB to 6.5 MB. Symbols needed for linking stay; only debug data goes.
    """
    out: list[Entry] = []
    for dest, src, kind in entries:
        source = Path(src)
        if kind not in ("BINARY", "EXTENSION") or not has_debug_info(source):
            out.append((dest, src, kind))
            continue
        target = workdir / dest
        if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["strip", "--strip-debug", "-o", str(target), str(source)], check=True
            )
        out.append((dest, str(target), kind))
    return out


def trim(entries: Iterable[Entry]) -> tuple[list[Entry], list[tuple[Entry, str]]]:
    """Split entries into (kept, [(dropped entry, reason)]) by drop_reason."""
    kept: list[Entry] = []
    dropped: list[tuple[Entry, str]] = []
    for entry in entries:
        reason = drop_reason(entry[0])
        if reason is None:
            kept.append(entry)
        else:
            dropped.append((entry, reason))
    return kept, dropped
