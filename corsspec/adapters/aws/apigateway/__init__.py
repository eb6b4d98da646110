"""AWS API Gateway: read the templates people deploy and predict what browsers will see.

Reads CloudFormation and SAM templates (YAML with the short intrinsic tags, or JSON)
and OpenAPI 3 / Swagger 2 documents with the ``x-amazon-apigateway-*`` extensions, and
models every REST and HTTP API they deploy: resources and methods, MOCK and Lambda
proxy integrations, integration/method responses, authorizers and API keys, gateway
responses, SAM's ``Cors``/``Auth``/``GatewayResponses`` expansion and HTTP API
``CorsConfiguration``.

* :func:`gateway_report` runs findings and browser verdicts for every route
  (``corsspec gateway TEMPLATE``): ``.to_text()``, ``.to_json()``, ``.exit_code``.
* :func:`load_gateway` returns the model; :class:`GatewayServer` plays an API back as
  API Gateway would, for :func:`corsspec.evaluate`, per :class:`ResponseClass`::

      model = load_gateway("template.yaml")
      server = GatewayServer(model.apis[0], response_class=ResponseClass.UNAUTHORIZED)
      cs.evaluate(request, server, browser=cs.FIREFOX)

YAML needs the ``apigateway`` extra (PyYAML). See ``docs/apigateway.md``.
"""

from __future__ import annotations

from corsspec.adapters.aws.apigateway._codes import (
    SEVERITY,
    Evidence,
    Finding,
    FindingCode,
    Severity,
    Source,
)
from corsspec.adapters.aws.apigateway._errors import GatewayTemplateError, TemplateProblem
from corsspec.adapters.aws.apigateway._findings import TITLES
from corsspec.adapters.aws.apigateway._lambda import (
    LambdaBook,
    LambdaOutcome,
    LambdaOutcomeKind,
    LambdaSource,
    ProxyResult,
    http_event,
    normalize_proxy_result,
    rest_event,
)
from corsspec.adapters.aws.apigateway._loader import load_gateway
from corsspec.adapters.aws.apigateway._model import (
    ApiKind,
    Auth,
    AuthKind,
    FunctionInfo,
    GatewayApi,
    GatewayModel,
    GatewayResponse,
    HttpCors,
    Integration,
    IntegrationKind,
    IntegrationResponse,
    Mapped,
    Method,
    Route,
    ValueKind,
)
from corsspec.adapters.aws.apigateway._report import GatewayReport, Probe, Verdict, gateway_report
from corsspec.adapters.aws.apigateway._server import (
    Decision,
    DecisionKind,
    GatewayServer,
    ResponseClass,
    applicable_classes,
)
from corsspec.adapters.aws.apigateway._template import (
    Template,
    TemplateKind,
    load_template,
    parse_template,
)

__all__ = [
    "SEVERITY",
    "TITLES",
    "ApiKind",
    "Auth",
    "AuthKind",
    "Decision",
    "DecisionKind",
    "Evidence",
    "Finding",
    "FindingCode",
    "FunctionInfo",
    "GatewayApi",
    "GatewayModel",
    "GatewayReport",
    "GatewayResponse",
    "GatewayServer",
    "GatewayTemplateError",
    "HttpCors",
    "Integration",
    "IntegrationKind",
    "IntegrationResponse",
    "LambdaBook",
    "LambdaOutcome",
    "LambdaOutcomeKind",
    "LambdaSource",
    "Mapped",
    "Method",
    "Probe",
    "ProxyResult",
    "ResponseClass",
    "Route",
    "Severity",
    "Source",
    "Template",
    "TemplateKind",
    "TemplateProblem",
    "ValueKind",
    "Verdict",
    "applicable_classes",
    "gateway_report",
    "http_event",
    "load_gateway",
    "load_template",
    "normalize_proxy_result",
    "parse_template",
    "rest_event",
]


def __dir__() -> list[str]:
    return __all__
