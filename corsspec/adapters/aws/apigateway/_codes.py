"""Finding codes and severities: stable data (kebab-case values), no wording.

The words for each code live in :mod:`._findings` (``TITLES``); JSON output carries
only these values, so tools never depend on prose.
"""

from __future__ import annotations

import enum

import attrs

from corsspec.findings import Severity

__all__ = ["SEVERITY", "Evidence", "Finding", "FindingCode", "Severity", "Source"]


def __dir__() -> list[str]:
    return __all__


class FindingCode(enum.Enum):
    """Every problem the gateway report can name, one member per distinct fix."""

    #: No OPTIONS method on a REST resource that needs a preflight: 403 on preflight.
    OPTIONS_MISSING = "options-missing"
    #: The OPTIONS method exists but the deployment does not depend on it.
    OPTIONS_NOT_DEPLOYED = "options-not-deployed"
    #: OPTIONS needs an authorizer or IAM signature the preflight never carries.
    OPTIONS_REQUIRES_AUTH = "options-requires-auth"
    #: OPTIONS needs an API key the preflight never carries.
    OPTIONS_REQUIRES_API_KEY = "options-requires-api-key"
    #: The OPTIONS integration itself fails (no matching integration response: 500).
    OPTIONS_MISCONFIGURED = "options-misconfigured"
    #: The actual response lacks Access-Control-Allow-Origin ("200 OK but still blocked").
    ACTUAL_MISSING_CORS = "actual-missing-cors"
    #: An error response of the integration (4XX/5XX mapping, failing Lambda path) lacks
    #: Access-Control-Allow-Origin, so the page sees a CORS error instead of the error.
    ERROR_RESPONSE_MISSING_CORS = "error-response-missing-cors"
    #: A header the request sends is missing from Access-Control-Allow-Headers.
    HEADER_NOT_ALLOWED = "header-not-allowed"
    #: The request's method is missing from Access-Control-Allow-Methods.
    METHOD_NOT_ALLOWED = "method-not-allowed"
    #: Authorization is allowed only through ``*`` in Allow-Headers (the spec says no).
    AUTHORIZATION_WILDCARD = "authorization-wildcard"
    #: ``Access-Control-Allow-Origin: *`` together with credentials.
    WILDCARD_WITH_CREDENTIALS = "wildcard-with-credentials"
    #: The preflight and the actual response allow different origins.
    ORIGIN_MISMATCH = "origin-mismatch"
    #: The origin the page runs on is not the one the API allows.
    ORIGIN_NOT_ALLOWED = "origin-not-allowed"
    #: Credentials allowed on one of preflight/actual response but not on the other.
    CREDENTIALS_MISMATCH = "credentials-mismatch"
    #: A comma-separated origin list in Access-Control-Allow-Origin (always invalid).
    ORIGIN_LIST = "origin-list"
    #: An Access-Control-Allow-Origin value that is not an origin (trailing slash, path).
    ORIGIN_INVALID = "origin-invalid"
    #: Gateway-generated 4XX/5XX responses carry no CORS headers.
    GATEWAY_RESPONSE_NO_CORS = "gateway-response-no-cors"
    #: A ResponseParameters value API Gateway rejects at deployment.
    INVALID_MAPPING_EXPRESSION = "invalid-mapping-expression"
    #: A value computed at run time (context, stage variable, unresolved parameter).
    DYNAMIC_MAPPING = "dynamic-mapping"
    #: ``x-amazon-apigateway-cors`` in a REST API (it applies to HTTP APIs only).
    CORS_EXTENSION_IGNORED = "cors-extension-ignored"
    #: An HTTP API with CorsConfiguration drops the CORS headers the backend sends.
    BACKEND_CORS_IGNORED = "backend-cors-ignored"
    #: A proxy integration with no sample response or handler: its headers are assumed.
    LAMBDA_RESPONSE_UNKNOWN = "lambda-response-unknown"
    #: The Lambda's result is not a valid proxy response: 502.
    LAMBDA_RESPONSE_MALFORMED = "lambda-response-malformed"
    #: The Python handler raised: 502.
    LAMBDA_ERROR = "lambda-error"
    #: SAM or API Gateway refuses this CORS configuration at build/deploy time.
    CONFIGURATION_REJECTED = "configuration-rejected"
    #: A REST API defined by resources that no AWS::ApiGateway::Deployment deploys.
    NO_DEPLOYMENT = "no-deployment"
    #: A browser blocks the request for a reason none of the codes above covers.
    BLOCKED = "blocked"


#: Severity of each code (one table; the report never decides it elsewhere).
SEVERITY: dict[FindingCode, Severity] = {
    FindingCode.OPTIONS_MISSING: Severity.HIGH,
    FindingCode.OPTIONS_NOT_DEPLOYED: Severity.HIGH,
    FindingCode.OPTIONS_REQUIRES_AUTH: Severity.HIGH,
    FindingCode.OPTIONS_REQUIRES_API_KEY: Severity.HIGH,
    FindingCode.OPTIONS_MISCONFIGURED: Severity.HIGH,
    FindingCode.ACTUAL_MISSING_CORS: Severity.HIGH,
    FindingCode.ERROR_RESPONSE_MISSING_CORS: Severity.MEDIUM,
    FindingCode.HEADER_NOT_ALLOWED: Severity.HIGH,
    FindingCode.METHOD_NOT_ALLOWED: Severity.HIGH,
    FindingCode.AUTHORIZATION_WILDCARD: Severity.LOW,
    FindingCode.WILDCARD_WITH_CREDENTIALS: Severity.HIGH,
    FindingCode.ORIGIN_MISMATCH: Severity.HIGH,
    FindingCode.ORIGIN_NOT_ALLOWED: Severity.MEDIUM,
    FindingCode.CREDENTIALS_MISMATCH: Severity.HIGH,
    FindingCode.ORIGIN_LIST: Severity.HIGH,
    FindingCode.ORIGIN_INVALID: Severity.HIGH,
    FindingCode.GATEWAY_RESPONSE_NO_CORS: Severity.MEDIUM,
    FindingCode.INVALID_MAPPING_EXPRESSION: Severity.HIGH,
    FindingCode.DYNAMIC_MAPPING: Severity.INFO,
    FindingCode.CORS_EXTENSION_IGNORED: Severity.MEDIUM,
    FindingCode.BACKEND_CORS_IGNORED: Severity.INFO,
    FindingCode.LAMBDA_RESPONSE_UNKNOWN: Severity.MEDIUM,
    FindingCode.LAMBDA_RESPONSE_MALFORMED: Severity.HIGH,
    FindingCode.LAMBDA_ERROR: Severity.HIGH,
    FindingCode.CONFIGURATION_REJECTED: Severity.HIGH,
    FindingCode.NO_DEPLOYMENT: Severity.INFO,
    FindingCode.BLOCKED: Severity.HIGH,
}


class Source(enum.Enum):
    """Who wrote the element a finding points at (decides the shape of the fix)."""

    #: ``AWS::ApiGateway::*`` / ``AWS::ApiGatewayV2::*`` resources.
    CLOUDFORMATION = "cloudformation"
    #: An OpenAPI/Swagger body (``Body``, ``DefinitionBody``, or the file itself).
    OPENAPI = "openapi"
    #: Generated by the SAM transform from ``Cors``, ``Auth``, ``Events``, ...
    SAM = "sam"
    #: API Gateway's own behaviour (default gateway responses, HTTP API CORS).
    GATEWAY = "gateway"
    #: A Lambda proxy response (sample or handler).
    LAMBDA = "lambda"


@attrs.frozen(kw_only=True)
class Evidence:
    """Where in the template something comes from."""

    path: str
    line: int | None = None
    source: Source = Source.CLOUDFORMATION

    @property
    def logical_id(self) -> str:
        """The resource's logical id when the path is ``Resources.<Id>...``, else ""."""
        parts = self.path.split(".")
        return parts[1] if len(parts) > 1 and parts[0] == "Resources" else ""

    def __str__(self) -> str:
        if self.line is None:
            return self.path or "(document)"
        return f"{self.path or '(document)'} (line {self.line})"


def _data(value: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(dict(value).items()))


@attrs.frozen(kw_only=True)
class Finding:
    """One problem with a code, the route it affects, evidence and a fix snippet.

    ``data`` holds the facts behind the finding as sorted ``(key, value)`` pairs
    (``header``, ``value``, ``expected``, ``origin``, ...), for tools; ``fix`` is a
    template snippet in the flavour the element was written in.
    """

    code: FindingCode
    api: str
    evidence: Evidence
    route: str | None = None
    method: str | None = None
    data: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_data)
    fix: str = ""

    @property
    def severity(self) -> Severity:
        """From :data:`SEVERITY`."""
        return SEVERITY[self.code]

    @property
    def facts(self) -> dict[str, str]:
        """``data`` as a dict."""
        return dict(self.data)

    def sort_key(self) -> tuple[int, str, str, str, str, str]:
        """Severity first, then API, route, method, code, evidence path."""
        return (
            self.severity.rank,
            self.api,
            self.route or "",
            self.method or "",
            self.code.value,
            self.evidence.path,
        )
