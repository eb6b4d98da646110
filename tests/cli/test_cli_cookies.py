"""The CLI's cookie flags: ``--cookie`` (what the browser holds for the API) and ``--page-site``."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from corsspec.cli import EXIT_BLOCKED, EXIT_OK, EXIT_USAGE, main

APP = "https://app.example.com"
GRANT = (
    "--credentials",
    "--response",
    "200",
    f"Access-Control-Allow-Origin: {APP}",
    "Access-Control-Allow-Credentials: true",
)


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_same_site_api_sends_the_cookie() -> None:
    code, out, _ = run(
        ["check", "https://api.example.com/me", "--origin", APP, *GRANT,
         "--cookie", "sid=1; SameSite=Lax; Secure"]
    )  # fmt: skip
    assert code == EXIT_OK
    assert "Cookie: sid=1" in out
    assert "needed cookies sent: sid" in out


def test_cross_site_lax_cookie_is_a_failed_expectation() -> None:
    code, out, _ = run(
        ["check", "https://api.other.com/me", "--origin", APP, *GRANT,
         "--cookie", "sid=1; SameSite=Lax; Secure", "--browser", "firefox"]
    )  # fmt: skip
    assert code == EXIT_BLOCKED
    assert "COOKIE MISSING" in out
    assert "not sent sid: the cookie is SameSite=Lax" in out


def test_json_lists_each_request_cookie_fate() -> None:
    code, out, _ = run(
        ["--json", "check", "https://api.example.com/me", "--origin", APP, *GRANT,
         "--cookie", "sid=1; SameSite=Lax; Secure", "--page-site", "https://portal.test",
         "--browser", "chromium"]
    )  # fmt: skip
    assert code == EXIT_BLOCKED
    cookies = json.loads(out)["cases"][0]["results"][0]["cookies"]
    assert cookies["needs_met"] is False
    assert cookies["missing"] == ["sid"]
    (request,) = cookies["requests"]
    assert request["cookie_header"] is None
    assert request["not_sent"] == [{"name": "sid", "reason": "samesite-lax", "detail": None}]


def test_a_cookie_no_browser_would_store_is_a_usage_error() -> None:
    code, _, err = run(
        ["check", "https://api.example.com/me", "--origin", APP, *GRANT,
         "--cookie", "sid=1; SameSite=None"]
    )  # fmt: skip
    assert code == EXIT_USAGE
    assert "samesite-none-insecure" in err
