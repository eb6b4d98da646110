"""One ``corsspec check`` flag set per reason code (shared by the CLI tests)."""

from __future__ import annotations

from corsspec import ReasonCode

API = "https://api.example/items/1"
APP = "https://app.example"
ACAO = f"Access-Control-Allow-Origin: {APP}"
OK_PREFLIGHT = [
    "--preflight-response",
    "204",
    ACAO,
    "Access-Control-Allow-Methods: PUT, POST",
    "Access-Control-Allow-Headers: x-api-key",
]

#: reason code -> (arguments after ``corsspec check``, browser to run).
REASON_FLAGS: dict[ReasonCode, tuple[list[str], str]] = {
    ReasonCode.MIXED_CONTENT: (
        ["http://api.example/items/1", "--origin", APP, "--response", "200", ACAO],
        "chromium",
    ),
    ReasonCode.LOCAL_NETWORK_INSECURE_CONTEXT: (
        ["http://192.168.1.10/api", "--origin", "http://app.example"],
        "chromium",
    ),
    ReasonCode.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH: (
        ["https://192.168.1.10/api", "--origin", APP, "--target-address-space", "loopback"],
        "chromium",
    ),
    ReasonCode.LOCAL_NETWORK_PERMISSION_DENIED: (
        ["http://127.0.0.1:8080/", "--origin", APP, "--local-network-permission", "denied"],
        "chromium",
    ),
    ReasonCode.LOCAL_NETWORK_PERMISSION_REQUIRED: (
        ["https://192.168.1.10/api", "--origin", APP],
        "chromium",
    ),
    ReasonCode.HEADER_NOT_EXPOSED: (
        [
            API,
            "--origin",
            APP,
            "--response",
            "200",
            ACAO,
            "X-Total-Count: 10",
            "--reads",
            "X-Total-Count",
        ],
        "chromium",
    ),
    ReasonCode.DISALLOWED_BY_MODE: ([API, "--origin", APP, "--mode", "same-origin"], "chromium"),
    ReasonCode.NO_CORS_REDIRECT_NOT_FOLLOW: (
        [API, "--origin", APP, "--mode", "no-cors", "--redirect", "error"],
        "chromium",
    ),
    ReasonCode.CORS_DISABLED_SCHEME: (["ftp://files.example/a.txt", "--origin", APP], "chromium"),
    ReasonCode.PREFLIGHT_REDIRECT: (
        [
            API,
            "--origin",
            APP,
            "-X",
            "PUT",
            "--preflight-response",
            "301",
            ACAO,
            "Location: https://api.example/items/1/",
        ],
        "chromium",
    ),
    ReasonCode.PREFLIGHT_STATUS_NOT_OK: (
        [API, "--origin", APP, "-X", "PUT", "--preflight-response", "403", ACAO],
        "chromium",
    ),
    ReasonCode.ACAM_INVALID: (
        [
            API,
            "--origin",
            APP,
            "-X",
            "PUT",
            "--preflight-response",
            "204",
            ACAO,
            "Access-Control-Allow-Methods: PUT;POST",
        ],
        "chromium",
    ),
    ReasonCode.ACAH_INVALID: (
        [
            API,
            "--origin",
            APP,
            "-H",
            "X-Api-Key: k",
            "--preflight-response",
            "204",
            ACAO,
            "Access-Control-Allow-Headers: x-api-key/v2",
        ],
        "chromium",
    ),
    ReasonCode.METHOD_NOT_ALLOWED: (
        [API, "--origin", APP, "-X", "DELETE", *OK_PREFLIGHT],
        "chromium",
    ),
    ReasonCode.HEADER_NOT_ALLOWED: (
        [API, "--origin", APP, "-H", "Authorization: Bearer t", *OK_PREFLIGHT],
        "chromium",
    ),
    ReasonCode.ACAO_MISSING: ([API, "--origin", APP, "--response", "200"], "chromium"),
    ReasonCode.ACAO_MULTIPLE: (
        [
            API,
            "--origin",
            APP,
            "--response",
            "200",
            ACAO,
            "Access-Control-Allow-Origin: https://admin.example",
        ],
        "chromium",
    ),
    ReasonCode.ACAO_INVALID: (
        [API, "--origin", APP, "--response", "200", "Access-Control-Allow-Origin: app.example"],
        "chromium",
    ),
    ReasonCode.ACAO_MISMATCH: (
        [
            API,
            "--origin",
            APP,
            "--response",
            "200",
            "Access-Control-Allow-Origin: https://www.app.example",
        ],
        "chromium",
    ),
    ReasonCode.ACAO_WILDCARD_WITH_CREDENTIALS: (
        [
            API,
            "--origin",
            APP,
            "--credentials",
            "--response",
            "200",
            "Access-Control-Allow-Origin: *",
            "Access-Control-Allow-Credentials: true",
        ],
        "chromium",
    ),
    ReasonCode.ACAC_NOT_TRUE: (
        [API, "--origin", APP, "--credentials", "--response", "200", ACAO],
        "chromium",
    ),
    ReasonCode.REDIRECT_MODE_ERROR: (
        [
            API,
            "--origin",
            APP,
            "--redirect",
            "error",
            "--response",
            "302",
            ACAO,
            "Location: /items/2",
        ],
        "chromium",
    ),
    ReasonCode.REDIRECT_TOO_MANY: (
        [API, "--origin", APP, "--response", "302", ACAO, "Location: /items/2"],
        "chromium",
    ),
    ReasonCode.REDIRECT_HAS_CREDENTIALS: (
        [
            API,
            "--origin",
            APP,
            "--response",
            "302",
            ACAO,
            "Location: https://user:secret@other.example/items/1",
        ],
        "chromium",
    ),
    ReasonCode.REDIRECT_INVALID_LOCATION: (
        [API, "--origin", APP, "--response", "302", ACAO, "Location: https://[::1"],
        "chromium",
    ),
    ReasonCode.REDIRECT_NON_HTTP_SCHEME: (
        [API, "--origin", APP, "--response", "302", ACAO, "Location: data:text/plain,hi"],
        "chromium",
    ),
    ReasonCode.REDIRECT_STREAM_BODY: (
        [
            API,
            "--origin",
            APP,
            "-X",
            "POST",
            "--body-kind",
            "stream",
            *OK_PREFLIGHT,
            "--response",
            "307",
            ACAO,
            "Location: /items/2",
        ],
        "chromium",
    ),
}
