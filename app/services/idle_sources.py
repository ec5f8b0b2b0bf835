"""Platform idle-time sources behind ``idle.IdleSource``: X11, GNOME/Mutter, Windows, macOS.

- X11: the MIT-SCREEN-SAVER extension (``XScreenSaverQueryInfo`` in libXss) via ctypes.
- Wayland (GNOME): ``org.gnome.Mutter.IdleMonitor.GetIdletime`` on the session bus (jeepney).
  Other Wayland compositors expose no idle time to ordinary clients; there only suspend
  and screen-lock events (and the wall-clock jump check in ``idle``) apply.
- Windows: ``GetLastInputInfo`` against ``GetTickCount``.
- macOS: IOKit's ``IOHIDSystem`` ``HIDIdleTime`` property (nanoseconds) via ctypes.

Each source opens its connection once and answers quickly; ``detect_idle_source`` picks the
one that works here (or None).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
from typing import Any

from app.services.idle import IdleSource

log = logging.getLogger(__name__)


class _XScreenSaverInfo(ctypes.Structure):
    _fields_ = [
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("event_mask", ctypes.c_ulong),
    ]


class X11IdleSource:
    """Idle time from the X server's MIT-SCREEN-SAVER extension."""

    name = "x11"

    def __init__(self, display: str | None = None) -> None:
        x11_path, xss_path = ctypes.util.find_library("X11"), ctypes.util.find_library("Xss")
        if not x11_path or not xss_path:
            raise OSError("libX11 or libXss is not installed")
        self._x11: Any = ctypes.cdll.LoadLibrary(x11_path)
        self._xss: Any = ctypes.cdll.LoadLibrary(xss_path)
        self._x11.XOpenDisplay.restype = ctypes.c_void_p
        self._x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self._x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self._x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self._x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._x11.XFree.argtypes = [ctypes.c_void_p]
        self._xss.XScreenSaverQueryExtension.argtypes = [
            ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)]
        self._xss.XScreenSaverAllocInfo.restype = ctypes.POINTER(_XScreenSaverInfo)
        self._xss.XScreenSaverQueryInfo.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_XScreenSaverInfo)]
        name = display if display is not None else os.environ.get("DISPLAY")
        if not name:
            raise OSError("no X display (DISPLAY is not set)")
        self._display = self._x11.XOpenDisplay(name.encode())
        if not self._display:
            raise OSError(f"cannot open X display {name}")
        event_base, error_base = ctypes.c_int(), ctypes.c_int()
        if not self._xss.XScreenSaverQueryExtension(
                self._display, ctypes.byref(event_base), ctypes.byref(error_base)):
            self.close()
            raise OSError("the X server has no MIT-SCREEN-SAVER extension")
        self._root = self._x11.XDefaultRootWindow(self._display)
        self._info = self._xss.XScreenSaverAllocInfo()

    def idle_seconds(self) -> float | None:
        if not self._display:
            return None
        if not self._xss.XScreenSaverQueryInfo(self._display, self._root, self._info):
            return None
        return float(self._info.contents.idle) / 1000.0

    def close(self) -> None:
        if getattr(self, "_info", None):
            self._x11.XFree(self._info)
            self._info = None
        if getattr(self, "_display", None):
            self._x11.XCloseDisplay(self._display)
            self._display = None


class MutterIdleSource:
    """Idle time from GNOME's Mutter on the session bus (works on GNOME Wayland and X11)."""

    name = "mutter"
    _PATH = "/org/gnome/Mutter/IdleMonitor/Core"
    _IFACE = "org.gnome.Mutter.IdleMonitor"

    def __init__(self, timeout: float = 0.25) -> None:
        from jeepney import DBusAddress
        from jeepney.io.blocking import open_dbus_connection

        self._timeout = timeout
        self._address = DBusAddress(self._PATH, bus_name=self._IFACE, interface=self._IFACE)
        self._conn: Any = open_dbus_connection(bus="SESSION")
        if self.idle_seconds() is None:
            self.close()
            raise OSError("org.gnome.Mutter.IdleMonitor is not on the session bus")

    def idle_seconds(self) -> float | None:
        from jeepney import new_method_call

        if self._conn is None:
            return None
        try:
            reply = self._conn.send_and_get_reply(
                new_method_call(self._address, "GetIdletime"), timeout=self._timeout)
        except Exception as exc:  # noqa: BLE001 - D-Bus errors and timeouts alike: unknown
            log.debug("Mutter idle monitor did not answer: %s", exc)
            return None
        body = reply.body
        if not body or not isinstance(body[0], int):
            return None
        return float(body[0]) / 1000.0

    def close(self) -> None:
        if getattr(self, "_conn", None) is not None:
            self._conn.close()
            self._conn = None


class WindowsIdleSource:
    name = "windows"

    def __init__(self) -> None:
        windll = getattr(ctypes, "windll", None)
        if windll is None:
            raise OSError("not Windows")
        self._user32: Any = windll.user32
        self._kernel32: Any = windll.kernel32

    def idle_seconds(self) -> float | None:
        class _LastInputInfo(ctypes.Structure):
            _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]

        info = _LastInputInfo()
        info.cbSize = ctypes.sizeof(info)
        if not self._user32.GetLastInputInfo(ctypes.byref(info)):
            return None
        ticks = int(self._kernel32.GetTickCount()) & 0xFFFFFFFF
        return float((ticks - info.dwTime) & 0xFFFFFFFF) / 1000.0

    def close(self) -> None:
        return None


class MacIdleSource:
    name = "macos"
    _UTF8 = 0x08000100  # kCFStringEncodingUTF8
    _SINT64 = 4  # kCFNumberSInt64Type

    def __init__(self) -> None:
        self._iokit: Any = ctypes.cdll.LoadLibrary(
            "/System/Library/Frameworks/IOKit.framework/IOKit")
        self._cf: Any = ctypes.cdll.LoadLibrary(
            "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation")
        self._iokit.IOServiceMatching.restype = ctypes.c_void_p
        self._iokit.IOServiceMatching.argtypes = [ctypes.c_char_p]
        self._iokit.IOServiceGetMatchingService.restype = ctypes.c_uint
        self._iokit.IOServiceGetMatchingService.argtypes = [ctypes.c_uint, ctypes.c_void_p]
        self._iokit.IORegistryEntryCreateCFProperty.restype = ctypes.c_void_p
        self._iokit.IORegistryEntryCreateCFProperty.argtypes = [
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint]
        self._iokit.IOObjectRelease.argtypes = [ctypes.c_uint]
        self._cf.CFStringCreateWithCString.restype = ctypes.c_void_p
        self._cf.CFStringCreateWithCString.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
        self._cf.CFNumberGetValue.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
        self._cf.CFRelease.argtypes = [ctypes.c_void_p]
        self._key = self._cf.CFStringCreateWithCString(None, b"HIDIdleTime", self._UTF8)
        # kIOMasterPortDefault is 0; the call consumes the matching dictionary.
        self._service = self._iokit.IOServiceGetMatchingService(
            0, self._iokit.IOServiceMatching(b"IOHIDSystem"))
        if not self._service:
            raise OSError("IOHIDSystem not found")

    def idle_seconds(self) -> float | None:
        prop = self._iokit.IORegistryEntryCreateCFProperty(self._service, self._key, None, 0)
        if not prop:
            return None
        try:
            value = ctypes.c_int64()
            if not self._cf.CFNumberGetValue(prop, self._SINT64, ctypes.byref(value)):
                return None
            return float(value.value) / 1e9
        finally:
            self._cf.CFRelease(prop)

    def close(self) -> None:
        if self._service:
            self._iokit.IOObjectRelease(self._service)
            self._service = 0
        if self._key:
            self._cf.CFRelease(self._key)
            self._key = None


def detect_idle_source(env: dict[str, str] | None = None) -> IdleSource | None:
    """The platform's idle source, or None (then only suspend/lock events count)."""
    env = dict(os.environ) if env is None else env
    candidates: list[type[Any]]
    if sys.platform == "win32":
        candidates = [WindowsIdleSource]
    elif sys.platform == "darwin":
        candidates = [MacIdleSource]
    elif env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        # Not X11 here: XWayland only sees input to X clients, so it would call a busy user idle.
        candidates = [MutterIdleSource]
    else:
        candidates = [X11IdleSource, MutterIdleSource]
    for cls in candidates:
        try:
            source: IdleSource = cls()
        except (OSError, ImportError, ValueError, KeyError) as exc:
            log.info("idle source %s unavailable: %s", cls.__name__, exc)
            continue
        return source
    return None
