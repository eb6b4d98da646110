"""Find and start real browsers headless on loopback, with fresh profiles and no internet.

Each browser runs in its own process group (start_new_session) and is ended with SIGKILL
to that group by PID: browsers fork helper processes (renderers, content processes,
WebKit's network/web processes) that must not outlive the run.

Belt and braces against the closed network: besides the flags/prefs that switch off
background traffic, every browser is pointed at a dead proxy on 127.0.0.1:9 for anything
that is not loopback, so a stray update/telemetry/redirect request fails at once locally
instead of waiting on DNS or leaving the machine.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TextIO

__all__ = ["BROWSERS", "INSTALL_HINT", "BrowserInfo", "LaunchError", "detect", "launch"]

BROWSERS: Final = ("chromium", "firefox", "webkit")
INSTALL_HINT: Final = "install with: sudo bash tests/browser/install-browsers.sh"
_DEAD_PROXY_HOST: Final = "127.0.0.1"
_DEAD_PROXY_PORT: Final = 9  # discard port: nothing listens, refused at once
_DEAD_PROXY: Final = f"{_DEAD_PROXY_HOST}:{_DEAD_PROXY_PORT}"


class LaunchError(RuntimeError):
    """A browser (or Xvfb) could not be started."""


@dataclass(frozen=True)
class BrowserInfo:
    """An installed browser: its name, executable, full version and recording tag."""

    name: str
    executable: str
    version: str
    tag: str  # "<major>" for file names: chromium-156, firefox-153, webkit-2.50


def detect(name: str) -> BrowserInfo | None:
    """The installed browser called `name` (chromium, firefox, webkit), or None.

    Executables can be overridden with CORSSPEC_CHROMIUM / CORSSPEC_FIREFOX /
    CORSSPEC_MINIBROWSER."""
    if name == "chromium":
        return _detect_version_flag(name, "CORSSPEC_CHROMIUM", ("chromium", "chromium-browser"))
    if name == "firefox":
        return _detect_version_flag(name, "CORSSPEC_FIREFOX", ("firefox-esr", "firefox"))
    if name == "webkit":
        return _detect_webkit()
    raise ValueError(f"unknown browser {name!r} (expected one of {', '.join(BROWSERS)})")


def _which(env: str, candidates: tuple[str, ...]) -> str | None:
    override = os.environ.get(env)
    if override:
        return override if os.access(override, os.X_OK) else None
    for cand in candidates:
        found = shutil.which(cand)
        if found:
            return found
    return None


def _detect_version_flag(name: str, env: str, candidates: tuple[str, ...]) -> BrowserInfo | None:
    exe = _which(env, candidates)
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            env=_quiet_env(),
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    # "Chromium 156.0.8078.79 built on Debian ..." / "Mozilla Firefox 153.7.0esr"
    match = re.search(r"(\d+)\.(\d+)[\w.]*", out)
    if match is None:
        return None
    return BrowserInfo(name=name, executable=exe, version=match.group(0), tag=match.group(1))


def _detect_webkit() -> BrowserInfo | None:
    exe = os.environ.get("CORSSPEC_MINIBROWSER") or next(
        iter(sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser"))), None
    )
    if exe is None or not os.access(exe, os.X_OK) or shutil.which("Xvfb") is None:
        return None
    version = _dpkg_version("libwebkit2gtk-4.1-0")
    if version is None:
        return None
    # WebKitGTK's major version is always 2; its stable series (2.50, 2.52, ...) is what
    # identifies an engine release, so the tag keeps major.minor.
    match = re.match(r"(\d+)\.(\d+)(\.\d+)?", version)
    if match is None:
        return None
    return BrowserInfo(
        name="webkit",
        executable=exe,
        version=match.group(0),
        tag=f"{match.group(1)}.{match.group(2)}",
    )


def _dpkg_version(package: str) -> str | None:
    try:
        proc = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = proc.stdout.strip().split(":")[-1]  # drop an epoch
    return version if proc.returncode == 0 and version else None


def _quiet_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "NO_AT_BRIDGE": "1",
            "MOZ_CRASHREPORTER_DISABLE": "1",
            "GTK_A11Y": "none",
            "LANG": "C.UTF-8",
            # Without a session bus, GLib would "autolaunch" one through dbus-launch under X
            # (MiniBrowser), and that daemon plus an at-spi bus detach from our process group
            # and outlive the run. No browser needs a bus to fetch.
            "DBUS_SESSION_BUS_ADDRESS": "disabled:",
        }
    )
    env.update(extra)
    return env


# --------------------------------------------------------------------- Chromium
def _chromium_command(info: BrowserInfo, url: str, profile: Path) -> list[str]:
    # The first eight flags are required on this closed network: without them Chromium
    # hangs or floods the machine with refused connections (docs/machines/python.md).
    return [
        info.executable,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--disable-extensions",
        "--disable-default-apps",
        "--no-default-browser-check",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--disable-breakpad",
        "--metrics-recording-only",
        "--mute-audio",
        "--password-store=basic",
        "--use-mock-keychain",
        # Timers in a headless page must not be throttled: `after` waits are real seconds.
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        # Never resolve a name (only IP literals are used); loopback goes direct.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--proxy-server=http://{_DEAD_PROXY}",
        url,
    ]


# ---------------------------------------------------------------------- Firefox
# Prefs that stop Firefox ESR talking to the internet or showing first-run pages. None of
# them touches CORS, the preflight cache or header handling.
_FIREFOX_PREFS: Final[dict[str, object]] = {
    "app.update.enabled": False,
    "app.update.auto": False,
    "app.update.checkInstallTime": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "app.normandy.api_url": "",
    "app.shield.optoutstudies.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank",
    "browser.startup.homepage_override.mstone": "ignore",
    "startup.homepage_welcome_url": "",
    "startup.homepage_welcome_url.additional": "",
    "browser.aboutwelcome.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.newtabpage.activity-stream.feeds.system.topstories": False,
    "browser.newtabpage.activity-stream.feeds.snippets": False,
    "browser.newtabpage.activity-stream.telemetry": False,
    "browser.topsites.contile.enabled": False,
    "browser.search.update": False,
    "browser.search.geoip.url": "",
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "browser.ping-centre.telemetry": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.safebrowsing.provider.google.updateURL": "",
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.sessionstore.resume_from_crash": False,
    "browser.tabs.warnOnClose": False,
    "browser.warnOnQuit": False,
    "browser.uitour.enabled": False,
    "browser.discovery.enabled": False,
    "browser.contentblocking.report.lockwise.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.archive.enabled": False,
    "toolkit.telemetry.server": "",
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "toolkit.startup.max_resumed_crashes": -1,
    "extensions.update.enabled": False,
    "extensions.update.autoUpdateDefault": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.blocklist.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "extensions.autoDisableScopes": 0,
    "services.settings.server": f"http://{_DEAD_PROXY}/v1",  # remote settings
    "security.remote_settings.crlite_filters.enabled": False,
    "security.remote_settings.intermediates.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.http.speculative-parallel-limit": 0,
    "network.predictor.enabled": False,
    "network.trr.mode": 5,
    "security.OCSP.enabled": 0,
    "geo.provider.network.url": "",
    "media.gmp-manager.url": "",
    "media.gmp-gmpopenh264.enabled": False,
    "media.gmp-widevinecdm.enabled": False,
    "identity.fxaccounts.enabled": False,
    "signon.rememberSignons": False,
    # Loopback pages must load as plain http, as written.
    "dom.security.https_first": False,
    "dom.security.https_first_schemeless": False,
    "dom.security.https_only_mode": False,
    # Timers in a headless window must not be throttled: `after` waits are real seconds.
    "dom.min_background_timeout_value": 4,
    "dom.timeout.enable_budget_timer_throttling": False,
    # Name resolution never leaves the machine: every host name "resolves" to loopback
    # without a DNS query (a Gecko testing pref), and the DNS lookups that bypass the
    # proxy (HTTPS resource records, HTTP/3) are off. Measured with strace: without these,
    # Firefox ESR 153 queries the system resolver for firefox.settings.services.mozilla.com
    # even with a proxy configured and services.settings.server overridden.
    "network.dns.forceResolve": "127.0.0.1",
    "network.dns.use_https_rr_as_altsvc": False,
    "network.dns.native_https_query": False,
    "network.dns.echconfig.enabled": False,
    "network.http.http3.enable": False,
    "dom.push.enabled": False,
    "dom.push.connection.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False,
    "network.notify.checkForProxies": False,
    # Everything that is not loopback goes to a dead proxy (loopback always bypasses it).
    "network.proxy.type": 1,
    "network.proxy.http": _DEAD_PROXY_HOST,
    "network.proxy.http_port": _DEAD_PROXY_PORT,
    "network.proxy.ssl": _DEAD_PROXY_HOST,
    "network.proxy.ssl_port": _DEAD_PROXY_PORT,
    "network.proxy.no_proxies_on": "127.0.0.1, localhost",
    "network.proxy.allow_hijacking_localhost": False,
}


def _firefox_user_js() -> str:
    # JSON literals are valid JavaScript literals for bool, int and str.
    return "".join(
        f"user_pref({json.dumps(name)}, {json.dumps(value)});\n"
        for name, value in _FIREFOX_PREFS.items()
    )


def _firefox_command(info: BrowserInfo, url: str, profile: Path) -> list[str]:
    (profile / "user.js").write_text(_firefox_user_js(), encoding="utf-8")
    return [info.executable, "-headless", "-no-remote", "-profile", str(profile), url]


# ----------------------------------------------------------------------- WebKit
def _webkit_command(info: BrowserInfo, url: str) -> list[str]:
    # MiniBrowser has no headless mode; it runs in a window on our own Xvfb. --private
    # gives an ephemeral website-data session (nothing read from or written to disk), and
    # HOME/XDG_* point into the temporary directory as well (see _webkit_env).
    return [
        info.executable,
        "--private",
        "--enable-dns-prefetching=false",
        "--enable-page-cache=false",
        "--enable-write-console-messages-to-stdout=true",
        # --ignore-host is a string array: one flag per entry ("a,b" is a single host name).
        f"--proxy=http://{_DEAD_PROXY}",
        "--ignore-host=127.0.0.0/8",
        "--ignore-host=localhost",
        url,
    ]


def _webkit_env(home: Path, display: str) -> dict[str, str]:
    dirs = {
        key: home / sub
        for key, sub in (
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_RUNTIME_DIR", "runtime"),
        )
    }
    for path in dirs.values():
        path.mkdir(mode=0o700, exist_ok=True)
    return _quiet_env(
        DISPLAY=display,
        HOME=str(home),
        GDK_BACKEND="x11",
        # Software rendering only: there is no GPU, and compositing under Xvfb is slow.
        WEBKIT_DISABLE_COMPOSITING_MODE="1",
        LIBGL_ALWAYS_SOFTWARE="1",
        WEBKIT_DISABLE_DMABUF_RENDERER="1",
        **{key: str(path) for key, path in dirs.items()},
    )


def _start_xvfb(log: TextIO) -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb on a free display; -displayfd makes Xvfb pick one and tell us."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_fd,),
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    os.close(write_fd)
    try:
        number = _read_line(read_fd, timeout=30.0)
    finally:
        os.close(read_fd)
    if not number.isdigit():
        _kill_group(proc, graceful=True)
        raise LaunchError("Xvfb did not report a display within 30 s")
    return proc, f":{number}"


def _read_line(fd: int, timeout: float) -> str:
    """Read up to a newline. Xvfb writes the display number and the newline with two
    write() calls; closing the pipe after the first makes the second fail, and Xvfb
    treats that as fatal ("Cannot write display number to fd")."""
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            break
        chunk = os.read(fd, 64)
        if not chunk:
            break
        data += chunk
    return data.decode("ascii", "replace").strip()


# ------------------------------------------------------------------ lifecycle
def _kill_group(proc: subprocess.Popen[bytes], *, graceful: bool = False) -> None:
    """End the process group led by `proc` (by its PID). `graceful` first asks with
    SIGTERM (Xvfb then removes its lock file and socket), then SIGKILLs what is left."""
    if graceful:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=3)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


@dataclass
class Launched:
    """A running browser: its process (group leader) and its log file."""

    proc: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def launch(info: BrowserInfo, url: str) -> Iterator[Launched]:
    """Start `info` on `url` with a fresh temporary profile; kill and clean up on exit."""
    workdir = Path(tempfile.mkdtemp(prefix=f"corsspec-{info.name}-"))
    log_path = workdir / "browser.log"
    helpers: list[subprocess.Popen[bytes]] = []
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            proc = _spawn(info, url, workdir, log, helpers)
            helpers.append(proc)
            yield Launched(proc=proc, log_path=log_path)
        finally:
            # The browser (last) goes first, then Xvfb if there is one.
            for helper in reversed(helpers):
                _kill_group(helper, graceful=helper is not helpers[-1])
            shutil.rmtree(workdir, ignore_errors=True)


def _spawn(
    info: BrowserInfo, url: str, workdir: Path, log: TextIO, helpers: list[subprocess.Popen[bytes]]
) -> subprocess.Popen[bytes]:
    profile = workdir / "profile"
    profile.mkdir()
    if info.name == "chromium":
        cmd, env = _chromium_command(info, url, profile), _quiet_env(HOME=str(workdir))
    elif info.name == "firefox":
        cmd, env = (
            _firefox_command(info, url, profile),
            _quiet_env(HOME=str(workdir), MOZ_HEADLESS="1", MOZ_DISABLE_AUTO_SAFE_MODE="1"),
        )
    else:
        xvfb, display = _start_xvfb(log)
        helpers.append(xvfb)
        cmd, env = _webkit_command(info, url), _webkit_env(profile, display)
    try:
        return subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
            cwd=workdir,
            start_new_session=True,
        )
    except OSError as exc:
        raise LaunchError(f"cannot start {info.name}: {exc}") from exc
