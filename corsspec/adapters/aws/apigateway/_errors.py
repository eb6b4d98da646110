"""The one exception the API Gateway adapter raises: a template it cannot model.

Every error names the file, the *template path* of the offending node
(``Resources.OptionsMethod.Properties.Integration``), its line when known, and a
problem code from a closed set, so tools can branch on ``.problem`` and people can
jump to the line. A blocked request is never an error: it is a verdict.
"""

from __future__ import annotations

import enum

from corsspec import AdapterError

__all__ = ["GatewayTemplateError", "TemplateProblem"]


def __dir__() -> list[str]:
    return __all__


class TemplateProblem(enum.Enum):
    """Why a template (or an argument naming part of it) cannot be modelled."""

    #: The file cannot be read or is not UTF-8 text.
    UNREADABLE = "unreadable"
    #: YAML or JSON syntax error.
    SYNTAX = "syntax"
    #: A YAML tag that is not a CloudFormation short intrinsic (``!Ref``, ``!Sub``, ...).
    UNKNOWN_TAG = "unknown-tag"
    #: The same key twice in one mapping (CloudFormation rejects it).
    DUPLICATE_KEY = "duplicate-key"
    #: Neither a CloudFormation/SAM template nor an OpenAPI/Swagger document.
    NOT_CLOUDFORMATION = "not-cloudformation"
    #: A valid template without any API Gateway API in it.
    NO_API = "no-api"
    #: ``Ref``/``GetAtt``/``${}`` naming no parameter, resource or pseudo parameter.
    DANGLING_REFERENCE = "dangling-reference"
    #: A construct corsspec cannot expand statically (macros, S3 bodies, imports).
    UNSUPPORTED = "unsupported"
    #: A property of the wrong shape or type where the API is defined.
    INVALID = "invalid"
    #: A cycle CloudFormation rejects: a condition that refers to itself, resources whose
    #: ``DependsOn``/``Ref``/``!GetAtt`` form a loop, or a ``ParentId`` chain that loops.
    CIRCULAR = "circular"
    #: The document exceeds a bound corsspec keeps its work within (size, nesting depth,
    #: YAML alias expansion); the message names the bound.
    TOO_LARGE = "too-large"
    #: A parameter without a default is needed to know a CORS value.
    UNRESOLVED_PARAMETER = "unresolved-parameter"
    #: ``route=`` names no route of the template.
    ROUTE_NOT_FOUND = "route-not-found"
    #: A ``lambda_responses`` entry that cannot be loaded (missing file, bad handler spec).
    LAMBDA_SOURCE = "lambda-source"


class GatewayTemplateError(AdapterError):
    """The template (or an argument about it) cannot be turned into a gateway model.

    ``file`` is the template's file name, ``path`` the template path of the node at
    fault (``""`` for the document itself), ``line`` its 1-based line when known.

    >>> str(GatewayTemplateError(TemplateProblem.DANGLING_REFERENCE,
    ...     "Resources.M.Properties.ResourceId", "!Ref 'Missing' names nothing",
    ...     file="t.yaml", line=12))
    "t.yaml:12: Resources.M.Properties.ResourceId: !Ref 'Missing' names nothing \
(dangling-reference)"
    """

    def __init__(
        self,
        problem: TemplateProblem,
        path: str,
        message: str,
        *,
        file: str = "",
        line: int | None = None,
    ) -> None:
        self.problem = problem
        self.path = path
        self.message = message
        self.file = file
        self.line = line
        super().__init__(problem, path, message)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        prefix = f"{where}: " if where else ""
        node = f"{self.path}: " if self.path else ""
        return f"{prefix}{node}{self.message} ({self.problem.value})"
