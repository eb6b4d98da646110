"""Reading CloudFormation/SAM templates and OpenAPI bodies: YAML with short tags, JSON.

``load_template`` returns a :class:`Template`: the document as plain Python values
(intrinsic functions as their long JSON forms, ``{"Ref": "X"}``, ``{"Fn::Sub": ...}``),
a map from template paths to line numbers for evidence, and a :class:`Resolver` that
evaluates the intrinsics a CORS value can depend on (parameters with defaults, ``!Sub``,
``!Join``, ``!If`` on resolvable conditions, ``!FindInMap``, ``!Select``, ``!Split``).
References to resources stay symbolic: ``!Ref Api`` resolves to :class:`Ref`, and inside
strings to ``${Api}``, so integration URIs still name their Lambda function.

Every reference is checked once at load time, so a dangling ``!Ref`` is reported with
its template path before anything else runs.
"""

from __future__ import annotations

import enum
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from corsspec.adapters.aws.apigateway._errors import GatewayTemplateError, TemplateProblem
from corsspec.errors import AdapterError

__all__ = [
    "NO_VALUE",
    "GetAtt",
    "Ref",
    "Resolver",
    "TPath",
    "Template",
    "TemplateKind",
    "as_mapping",
    "load_template",
    "parse_template",
    "render_path",
]


def __dir__() -> list[str]:
    return __all__


#: A template path: mapping keys and sequence indexes from the document root.
TPath = tuple[str | int, ...]

#: Cap on template size: API templates are small; this bounds the work per input.
MAX_TEMPLATE_BYTES = 8 * 1024 * 1024

#: Cap on nesting (mappings and lists, intrinsic functions included). Real templates stay
#: under 20 levels; the bound keeps every recursive walk far from Python's stack limit.
MAX_TEMPLATE_DEPTH = 100

#: YAML aliases are expanded (the document becomes a tree) within this budget of nodes
#: beyond the first copy of each, so a small "billion laughs" file cannot take minutes and
#: gigabytes. ``sam deploy`` and ``aws cloudformation package`` expand aliases the same
#: way before upload; CloudFormation itself rejects a template that still has them.
MAX_ALIAS_NODES = 100_000

_PLAIN_KEY = re.compile(r"[^.\[\]\"\s]+\Z")


def as_mapping(value: object) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty one (absent or malformed sections)."""
    return value if isinstance(value, Mapping) else {}


def render_path(path: TPath) -> str:
    """``("Resources", "M", "Properties", "X", 0)`` -> ``Resources.M.Properties.X[0]``.

    Keys holding dots, brackets, quotes or spaces are quoted
    (``ResponseParameters["method.response.header.Access-Control-Allow-Origin"]``).
    """
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{json.dumps(part)}]")
    return "".join(out)


class TemplateKind(enum.Enum):
    """What the document is."""

    CLOUDFORMATION = "cloudformation"
    OPENAPI = "openapi"


@attrs.frozen
class Ref:
    """``!Ref Name`` naming a resource (parameters and pseudo parameters resolve)."""

    name: str


@attrs.frozen
class GetAtt:
    """``!GetAtt Name.Attribute``."""

    name: str
    attribute: str


class _NoValue:
    __slots__ = ()

    def __repr__(self) -> str:
        return "AWS::NoValue"


#: ``!Ref AWS::NoValue``: the property is absent.
NO_VALUE: Any = _NoValue()

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
_KNOWN_TRANSFORMS = frozenset({SAM_TRANSFORM, "AWS::LanguageExtensions"})

PSEUDO_PARAMETERS: Mapping[str, Any] = {
    "AWS::AccountId": "123456789012",
    "AWS::NotificationARNs": [],
    "AWS::NoValue": NO_VALUE,
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/stack/0",
    "AWS::StackName": "stack",
    "AWS::URLSuffix": "amazonaws.com",
}

# CloudFormation short-form tags (YAML) and the long form each stands for.
_SHORT_TAGS: Mapping[str, str] = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        name: f"Fn::{name}"
        for name in (
            "And",
            "Base64",
            "Cidr",
            "Contains",
            "EachMemberEquals",
            "EachMemberIn",
            "Equals",
            "FindInMap",
            "GetAtt",
            "GetAZs",
            "If",
            "ImportValue",
            "Join",
            "Length",
            "Not",
            "Or",
            "RefAll",
            "Select",
            "Split",
            "Sub",
            "ToJsonString",
            "Transform",
            "ValueOf",
            "ValueOfAll",
        )
    },
}

_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


@attrs.frozen(eq=False)
class Template:
    """A loaded template: the document, where each node sits, and how to resolve it."""

    file: str
    document: Mapping[str, Any]
    kind: TemplateKind
    lines: Mapping[TPath, int] = attrs.field(factory=dict, repr=False)
    parameters: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def base_dir(self) -> str:
        """Directory of the template file (relative ``CodeUri``/``DefinitionUri`` start here)."""
        return os.path.dirname(os.path.abspath(self.file)) if self.file else os.getcwd()

    @property
    def is_sam(self) -> bool:
        """Whether the template declares the SAM transform."""
        return SAM_TRANSFORM in _transforms(self.document)

    def line(self, path: TPath) -> int | None:
        """1-based line of ``path`` (or of its nearest ancestor that has one)."""
        probe = tuple(path)
        while probe:
            found = self.lines.get(probe)
            if found is not None:
                return found
            probe = probe[:-1]
        return None

    def error(self, problem: TemplateProblem, path: TPath, message: str) -> GatewayTemplateError:
        """A :class:`GatewayTemplateError` naming this file, ``path`` and its line."""
        return GatewayTemplateError(
            problem, render_path(path), message, file=self.file, line=self.line(path)
        )

    @property
    def resources(self) -> Mapping[str, Any]:
        """``Resources`` (empty for an OpenAPI document)."""
        res = self.document.get("Resources")
        return res if isinstance(res, Mapping) else {}

    def resolver(self) -> Resolver:
        """A resolver over this template's parameters, conditions and mappings."""
        return Resolver(self)


def _transforms(document: Mapping[str, Any]) -> tuple[str, ...]:
    value = document.get("Transform")
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


# -- reading --------------------------------------------------------------------------


def load_template(
    path: str | os.PathLike[str], *, parameters: Mapping[str, str] | None = None
) -> Template:
    """Read a CloudFormation/SAM template or an OpenAPI document (YAML or JSON).

    ``parameters`` override template parameter defaults (like ``--parameter-overrides``).

    :raises GatewayTemplateError: unreadable, not a template, a syntax error, a
        dangling reference or an unsupported transform (the message names the path).
    :raises MissingExtraError: the file is YAML and PyYAML is not installed.
    """
    from corsspec.adapters._common import read_regular_file  # noqa: PLC0415 - keeps import light

    name = os.fspath(path)
    try:
        size = os.stat(name).st_size
    except OSError:
        size = 0
    if size > MAX_TEMPLATE_BYTES:
        raise GatewayTemplateError(
            TemplateProblem.TOO_LARGE,
            "",
            f"the template is larger than {MAX_TEMPLATE_BYTES} bytes",
            file=name,
        )
    try:
        # A regular file only: a FIFO or /dev/zero is refused before anything is read.
        raw = read_regular_file(name, limit=MAX_TEMPLATE_BYTES)
    except AdapterError as exc:
        problem = (
            TemplateProblem.TOO_LARGE if "larger than" in str(exc) else TemplateProblem.UNREADABLE
        )
        message = str(exc).removeprefix(f"{name}: ")
        raise GatewayTemplateError(
            problem, "", f"cannot read the template: {message}", file=name
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GatewayTemplateError(
            TemplateProblem.UNREADABLE, "", "the template is not UTF-8 text", file=name
        ) from exc
    return parse_template(text, file=name, parameters=parameters)


def parse_template(
    text: str, *, file: str = "", parameters: Mapping[str, str] | None = None
) -> Template:
    """Parse template text (YAML with CloudFormation short tags, or JSON).

    :raises GatewayTemplateError: as :func:`load_template`.
    """
    stripped = text.lstrip()
    as_json = file.lower().endswith(".json") or stripped.startswith("{")
    lines: dict[TPath, int] = {}
    if as_json:
        try:
            document = json.loads(text, object_pairs_hook=_json_object)
        except _DuplicateKeyError as exc:
            raise GatewayTemplateError(
                TemplateProblem.DUPLICATE_KEY,
                "",
                f"duplicate key {exc.key!r} in a JSON object",
                file=file,
            ) from exc
        except RecursionError as exc:
            raise GatewayTemplateError(
                TemplateProblem.TOO_LARGE,
                "",
                f"JSON nested deeper than {MAX_TEMPLATE_DEPTH} levels",
                file=file,
            ) from exc
        except json.JSONDecodeError as exc:
            if file.lower().endswith(".json"):
                raise GatewayTemplateError(
                    TemplateProblem.SYNTAX,
                    "",
                    f"JSON syntax error: {exc.msg}",
                    file=file,
                    line=exc.lineno,
                ) from exc
            document, lines = _load_yaml(text, file)
        except ValueError as exc:  # an integer of more than 4,300 digits
            raise GatewayTemplateError(
                TemplateProblem.SYNTAX, "", f"JSON value error: {exc}", file=file
            ) from exc
        else:
            _check_depth(document, file)
            lines = _json_lines(text)
    else:
        document, lines = _load_yaml(text, file)
    if not isinstance(document, dict):
        raise GatewayTemplateError(
            TemplateProblem.NOT_CLOUDFORMATION,
            "",
            "the document is not a mapping, so it is neither a CloudFormation template "
            "nor an OpenAPI document",
            file=file,
        )
    kind = _kind(document, file)
    template = Template(
        file=file,
        document=document,
        kind=kind,
        lines=lines,
        parameters=dict(parameters or {}),
    )
    _check_transforms(template)
    _check_references(template)
    _check_cycles(template)
    return template


def _kind(document: Mapping[str, Any], file: str) -> TemplateKind:
    if "Resources" in document:
        if not isinstance(document["Resources"], Mapping):
            raise GatewayTemplateError(
                TemplateProblem.INVALID, "Resources", "Resources must be a mapping", file=file
            )
        return TemplateKind.CLOUDFORMATION
    if ("openapi" in document or "swagger" in document) and isinstance(
        document.get("paths"), Mapping
    ):
        return TemplateKind.OPENAPI
    keys = ", ".join(sorted(str(k) for k in document)[:5]) or "nothing"
    raise GatewayTemplateError(
        TemplateProblem.NOT_CLOUDFORMATION,
        "",
        f"not a CloudFormation/SAM template (no Resources) nor an OpenAPI document "
        f"(no openapi/swagger with paths); top-level keys: {keys}",
        file=file,
    )


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _check_depth(document: Any, file: str) -> None:
    """Fail when ``document`` nests deeper than :data:`MAX_TEMPLATE_DEPTH` (no recursion)."""
    stack: list[tuple[Any, TPath]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_TEMPLATE_DEPTH:
            raise GatewayTemplateError(
                TemplateProblem.TOO_LARGE,
                render_path(path[:MAX_TEMPLATE_DEPTH]),
                f"nested deeper than {MAX_TEMPLATE_DEPTH} levels",
                file=file,
            )
        if isinstance(value, dict):
            stack.extend((item, (*path, key)) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, (*path, index)) for index, item in enumerate(value))


def _json_lines(text: str) -> dict[TPath, int]:
    # JSON is (nearly) YAML: compose it once more only to learn where each key sits.
    try:
        _, lines = _load_yaml(text, "")
    except Exception:  # line numbers are a nicety, never a failure
        return {}
    return lines


def _yaml_module() -> Any:
    try:
        import yaml  # noqa: PLC0415 - optional extra, imported only when a YAML file is read
    except ImportError as exc:
        from corsspec import MissingExtraError  # noqa: PLC0415 - only needed on this path

        raise MissingExtraError("apigateway", "yaml") from exc
    return yaml


def _load_yaml(text: str, file: str) -> tuple[Any, dict[TPath, int]]:
    yaml = _yaml_module()
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = base(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            raise GatewayTemplateError(
                TemplateProblem.SYNTAX,
                "",
                f"YAML syntax error: {exc.problem or exc}",
                file=file,
                line=line,
            ) from exc
        except yaml.YAMLError as exc:
            raise GatewayTemplateError(
                TemplateProblem.SYNTAX, "", f"YAML syntax error: {exc}", file=file
            ) from exc
        if node is None:
            raise GatewayTemplateError(
                TemplateProblem.NOT_CLOUDFORMATION, "", "the file is empty", file=file
            )
        lines: dict[TPath, int] = {}
        value = _YamlConverter(yaml, loader, file, lines).convert(node, ())
    finally:
        loader.dispose()
    return value, lines


class _YamlConverter:
    """Turns composed YAML nodes into plain values, keeping each node's line."""

    def __init__(self, yaml: Any, loader: Any, file: str, lines: dict[TPath, int]) -> None:
        self.yaml = yaml
        self.loader = loader
        self.file = file
        self.lines = lines
        #: Nodes converted once (by identity): meeting one again means an alias.
        self.seen: set[int] = set()
        #: Nodes being converted right now: meeting one of these is a recursive alias.
        self.active: set[int] = set()
        self.alias_nodes = 0

    def fail(self, problem: TemplateProblem, path: TPath, node: Any, message: str) -> None:
        raise GatewayTemplateError(
            problem, render_path(path), message, file=self.file, line=node.start_mark.line + 1
        )

    def convert(self, node: Any, path: TPath) -> Any:
        key = id(node)
        if key in self.active:
            self.fail(
                TemplateProblem.CIRCULAR,
                path,
                node,
                "a YAML alias refers to a node that contains it (a recursive alias)",
            )
        if len(path) > MAX_TEMPLATE_DEPTH:
            self.fail(
                TemplateProblem.TOO_LARGE,
                path[:MAX_TEMPLATE_DEPTH],
                node,
                f"nested deeper than {MAX_TEMPLATE_DEPTH} levels",
            )
        if key in self.seen:
            self.alias_nodes += 1
            if self.alias_nodes > MAX_ALIAS_NODES:
                self.fail(
                    TemplateProblem.TOO_LARGE,
                    path,
                    node,
                    f"YAML aliases expand to more than {MAX_ALIAS_NODES} extra nodes (a "
                    "YAML bomb?); sam deploy and aws cloudformation package expand aliases "
                    "before upload and CloudFormation rejects templates that keep them",
                )
        else:
            self.seen.add(key)
        self.active.add(key)
        try:
            return self._convert(node, path)
        finally:
            self.active.discard(key)

    def _convert(self, node: Any, path: TPath) -> Any:
        yaml = self.yaml
        tag: str = node.tag or ""
        if tag.startswith("!") and not tag.startswith("!!"):
            return self.intrinsic(node, path, tag[1:])
        if isinstance(node, yaml.MappingNode):
            if tag != "tag:yaml.org,2002:map":
                self.fail(TemplateProblem.UNKNOWN_TAG, path, node, f"unsupported YAML tag {tag!r}")
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if tag != "tag:yaml.org,2002:seq":
                self.fail(TemplateProblem.UNKNOWN_TAG, path, node, f"unsupported YAML tag {tag!r}")
            out: list[Any] = []
            for index, item in enumerate(node.value):
                item_path = (*path, index)
                self.lines[item_path] = item.start_mark.line + 1
                out.append(self.convert(item, item_path))
            return out
        return self.scalar(node, path)

    def scalar(self, node: Any, path: TPath) -> Any:
        tag = node.tag
        if tag in (
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:null",
        ):
            try:
                return self.loader.construct_object(node, deep=True)
            except ValueError as exc:  # int() refuses more than 4,300 digits
                self.fail(TemplateProblem.SYNTAX, path, node, f"YAML value error: {exc}")
        if tag in (
            "tag:yaml.org,2002:str",
            "tag:yaml.org,2002:timestamp",
            "tag:yaml.org,2002:binary",
            "tag:yaml.org,2002:value",
        ):
            # CloudFormation reads dates such as 2010-09-09 as strings.
            return str(node.value)
        self.fail(TemplateProblem.UNKNOWN_TAG, path, node, f"unsupported YAML tag {tag!r}")
        return None  # pragma: no cover - fail() raises

    def mapping(self, node: Any, path: TPath) -> dict[str, Any]:
        self.loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, self.yaml.ScalarNode):
                self.fail(TemplateProblem.INVALID, path, key_node, "a mapping key must be a scalar")
            key = str(key_node.value)
            if key in out:
                self.fail(
                    TemplateProblem.DUPLICATE_KEY, (*path, key), key_node, f"duplicate key {key!r}"
                )
            key_path = (*path, key)
            self.lines[key_path] = key_node.start_mark.line + 1
            out[key] = self.convert(value_node, key_path)
        return out

    def intrinsic(self, node: Any, path: TPath, name: str) -> Any:
        long_name = _SHORT_TAGS.get(name)
        if long_name is None:
            self.fail(
                TemplateProblem.UNKNOWN_TAG,
                path,
                node,
                f"unknown tag !{name} (CloudFormation short forms are !Ref, !GetAtt, !Sub, "
                "!Join, !If, ...)",
            )
        yaml = self.yaml
        inner_path = (*path, str(long_name))
        if isinstance(node, yaml.ScalarNode):
            value: Any = str(node.value)
            if long_name == "Fn::GetAtt":
                target, _, attribute = value.partition(".")
                value = [target, attribute]
        elif isinstance(node, yaml.SequenceNode):
            value = []
            for index, item in enumerate(node.value):
                item_path = (*inner_path, index)
                self.lines[item_path] = item.start_mark.line + 1
                value.append(self.convert(item, item_path))
        else:
            value = self.mapping(node, inner_path)
        self.lines.setdefault(inner_path, node.start_mark.line + 1)
        return {long_name: value}


# -- whole-template checks --------------------------------------------------------------


def _check_transforms(template: Template) -> None:
    for name in _transforms(template.document):
        if name not in _KNOWN_TRANSFORMS:
            raise template.error(
                TemplateProblem.UNSUPPORTED,
                ("Transform",),
                f"the template uses the macro {name!r}; corsspec expands only the SAM "
                "transform, so it cannot know what this macro generates",
            )


def _sam_generated(name: str, sam_ids: Sequence[str]) -> bool:
    if name.startswith(
        (
            "ServerlessRestApi",
            "ServerlessHttpApi",
            "ServerlessUsagePlan",
            "ServerlessApiKey",
            "ServerlessDeploymentApplication",
        )
    ):
        return True
    return any(name.startswith(logical) and name != logical for logical in sam_ids)


def _walk(value: Any, path: TPath) -> Iterator[tuple[TPath, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))


def _check_references(template: Template) -> None:
    """Fail on the first reference that names nothing (CloudFormation would too)."""
    doc = template.document
    params = as_mapping(doc.get("Parameters"))
    resources = template.resources
    sam_ids = [
        k
        for k, v in resources.items()
        if isinstance(v, Mapping) and str(v.get("Type", "")).startswith("AWS::Serverless::")
    ]
    known = set(params) | set(resources) | set(PSEUDO_PARAMETERS)
    sam = template.is_sam

    def exists(name: str) -> bool:
        return name in known or (sam and _sam_generated(name, sam_ids))

    def dangling(path: TPath, form: str, name: str) -> GatewayTemplateError:
        return template.error(
            TemplateProblem.DANGLING_REFERENCE,
            path,
            f"{form} {name!r} names no parameter, resource or pseudo parameter",
        )

    for path, node in _walk(doc, ()):
        if not isinstance(node, dict):
            continue
        if any(isinstance(k, str) and k.startswith("Fn::ForEach") for k in node):
            raise template.error(
                TemplateProblem.UNSUPPORTED,
                path,
                "Fn::ForEach (AWS::LanguageExtensions) is not expanded",
            )
        if len(node) != 1:
            continue
        ((key, arg),) = node.items()
        if key == "Ref" and isinstance(arg, str):
            if not exists(arg):
                raise dangling(path, "!Ref", arg)
        elif key == "Fn::GetAtt":
            target = arg[0] if isinstance(arg, list) and arg else arg
            if isinstance(target, str):
                target = target.split(".", 1)[0]
                if not exists(target) or target in params:
                    raise dangling(path, "!GetAtt", target)
        elif key == "Fn::Sub":
            text = arg[0] if isinstance(arg, list) and arg else arg
            local = (
                arg[1]
                if isinstance(arg, list) and len(arg) > 1 and isinstance(arg[1], dict)
                else {}
            )
            if isinstance(text, str):
                for var in _SUB_VAR.findall(text):
                    if var.startswith("!"):
                        continue
                    base = (
                        var.split(".", 1)[0] if "." in var and not var.startswith("AWS::") else var
                    )
                    if var not in local and not exists(base):
                        raise dangling(path, "!Sub ${}", var)
    for logical, body in resources.items():
        if not isinstance(body, Mapping):
            raise template.error(
                TemplateProblem.INVALID, ("Resources", logical), "a resource must be a mapping"
            )
        depends = body.get("DependsOn")
        names = (
            [depends] if isinstance(depends, str) else depends if isinstance(depends, list) else []
        )
        for index, name in enumerate(names):
            if (
                isinstance(name, str)
                and name not in resources
                and not (sam and _sam_generated(name, sam_ids))
            ):
                where: TPath = ("Resources", logical, "DependsOn")
                if isinstance(depends, list):
                    where = (*where, index)
                raise template.error(
                    TemplateProblem.DANGLING_REFERENCE,
                    where,
                    f"DependsOn {name!r} names no resource",
                )


def _dependencies(body: Mapping[str, Any], resources: Mapping[str, Any]) -> list[str]:
    """The resources ``body`` must wait for: its ``DependsOn``, and what its properties use.

    A ``!Ref``, ``!GetAtt`` or ``${Name}`` in ``Properties`` makes CloudFormation create
    the named resource first, exactly as ``DependsOn`` does.
    """
    depends = body.get("DependsOn")
    found: list[str] = (
        ([depends] if isinstance(depends, str) else [d for d in depends if isinstance(d, str)])
        if isinstance(depends, (str, list))
        else []
    )
    for _, node in _walk(body.get("Properties"), ()):
        if not (isinstance(node, dict) and len(node) == 1):
            continue
        ((key, arg),) = node.items()
        if key == "Ref" and isinstance(arg, str):
            found.append(arg)
        elif key == "Fn::GetAtt":
            target = arg[0] if isinstance(arg, list) and arg else arg
            if isinstance(target, str):
                found.append(target.split(".", 1)[0])
        elif key == "Fn::Sub":
            text = arg[0] if isinstance(arg, list) and arg else arg
            local = arg[1] if isinstance(arg, list) and len(arg) > 1 else {}
            if isinstance(text, str):
                for var in _SUB_VAR.findall(text):
                    if not var.startswith("!") and var not in (local or {}):
                        found.append(var.split(".", 1)[0])
    return [name for name in dict.fromkeys(found) if name in resources]


def _check_cycles(template: Template) -> None:
    """Fail on a dependency loop between resources, as CloudFormation does.

    CloudFormation refuses such a template ("Circular dependency between resources"), so
    no stack, and no API, ever exists for it. Iterative depth-first search: a chain of any
    length costs no stack.
    """
    resources = template.resources
    edges = {
        logical: _dependencies(body, resources)
        for logical, body in resources.items()
        if isinstance(body, Mapping)
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in edges:
        if start in state:
            continue
        path = [start]
        state[start] = 1
        todo = [iter(edges[start])]
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                todo.pop()
                continue
            seen = state.get(nxt)
            if seen == 1:
                loop = [*path[path.index(nxt) :], nxt]
                raise template.error(
                    TemplateProblem.CIRCULAR,
                    ("Resources", loop[0]),
                    "circular dependency between resources (DependsOn, Ref, !GetAtt or "
                    f"${{}}): {' -> '.join(loop)}; CloudFormation rejects this template",
                )
            if seen is None:
                state[nxt] = 1
                path.append(nxt)
                todo.append(iter(edges.get(nxt, ())))


# -- intrinsic functions ------------------------------------------------------------------


class Resolver:
    """Evaluates intrinsic functions as far as static analysis can.

    ``strict`` resolution fails on what cannot be known (a parameter without a value, an
    ``!ImportValue``); lenient resolution keeps a ``${Name}`` placeholder instead.
    """

    def __init__(self, template: Template) -> None:
        self.template = template
        doc = template.document
        raw_params = doc.get("Parameters")
        self.parameters: Mapping[str, Any] = raw_params if isinstance(raw_params, Mapping) else {}
        raw_conditions = doc.get("Conditions")
        self.conditions: Mapping[str, Any] = (
            raw_conditions if isinstance(raw_conditions, Mapping) else {}
        )
        raw_mappings = doc.get("Mappings")
        self.mappings: Mapping[str, Any] = raw_mappings if isinstance(raw_mappings, Mapping) else {}
        self._condition_cache: dict[str, bool] = {}
        self._evaluating: list[str] = []

    def fail(self, problem: TemplateProblem, path: TPath, message: str) -> GatewayTemplateError:
        return self.template.error(problem, path, message)

    # Parameters ------------------------------------------------------------------------
    def parameter(self, name: str, path: TPath, *, strict: bool) -> Any:
        if name in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[name]
        if name in self.template.parameters:
            value: Any = self.template.parameters[name]
        else:
            spec = self.parameters.get(name)
            value = spec.get("Default") if isinstance(spec, Mapping) else None
            if value is None:
                if strict:
                    raise self.fail(
                        TemplateProblem.UNRESOLVED_PARAMETER,
                        path,
                        f"parameter {name!r} has no Default; pass its value "
                        f"(parameters={{{name!r}: ...}})",
                    )
                return f"${{{name}}}"
        spec = self.parameters.get(name)
        kind = spec.get("Type") if isinstance(spec, Mapping) else None
        if isinstance(kind, str) and kind.startswith(("CommaDelimitedList", "List<")):
            return [part.strip() for part in str(value).split(",")]
        return value if isinstance(value, (str, int, float, bool)) else str(value)

    # Values ----------------------------------------------------------------------------
    def value(self, node: Any, path: TPath, *, strict: bool = True) -> Any:
        """Resolve every intrinsic inside ``node`` (resources stay :class:`Ref`/:class:`GetAtt`)."""
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, arg),) = node.items()
                if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
                    return self.function(key, arg, path, strict=strict)
            out: dict[str, Any] = {}
            for key, item in node.items():
                resolved = self.value(item, (*path, key), strict=strict)
                if resolved is not NO_VALUE:
                    out[key] = resolved
            return out
        if isinstance(node, list):
            items = [self.value(item, (*path, i), strict=strict) for i, item in enumerate(node)]
            return [item for item in items if item is not NO_VALUE]
        return node

    def string(self, node: Any, path: TPath, *, strict: bool = True) -> str | None:
        """Resolve ``node`` to text (resource references become ``${Name}``); None if absent."""
        value = self.value(node, path, strict=strict)
        if value is NO_VALUE or value is None:
            return None
        return self.text(value, path)

    def text(self, value: Any, path: TPath) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value)
        if isinstance(value, Ref):
            return f"${{{value.name}}}"
        if isinstance(value, GetAtt):
            return f"${{{value.name}.{value.attribute}}}"
        raise self.fail(
            TemplateProblem.INVALID, path, f"expected a string here, found {type(value).__name__}"
        )

    def function(self, key: str, arg: Any, path: TPath, *, strict: bool) -> Any:
        here = (*path, key)
        if key == "Ref":
            if not isinstance(arg, str):
                raise self.fail(TemplateProblem.INVALID, here, "!Ref takes a name")
            if arg in self.template.resources:
                return Ref(arg)
            if (
                arg in self.parameters
                or arg in PSEUDO_PARAMETERS
                or arg in self.template.parameters
            ):
                return self.parameter(arg, path, strict=strict)
            return Ref(arg)  # SAM-generated resource (checked at load time)
        if key == "Fn::GetAtt":
            parts = arg if isinstance(arg, list) else str(arg).split(".", 1)
            if len(parts) != 2:
                raise self.fail(TemplateProblem.INVALID, here, "!GetAtt takes Resource.Attribute")
            name = self.value(parts[0], (*here, 0), strict=strict)
            attribute = self.value(parts[1], (*here, 1), strict=strict)
            return GetAtt(str(name), str(attribute))
        if key == "Fn::Sub":
            return self.sub(arg, here, strict=strict)
        if key == "Fn::Join":
            if not (isinstance(arg, list) and len(arg) == 2):
                raise self.fail(TemplateProblem.INVALID, here, "!Join takes [delimiter, list]")
            sep = self.text(self.value(arg[0], (*here, 0), strict=strict), (*here, 0))
            items = self.value(arg[1], (*here, 1), strict=strict)
            if not isinstance(items, list):
                raise self.fail(TemplateProblem.INVALID, (*here, 1), "!Join needs a list")
            return sep.join(self.text(item, (*here, 1, i)) for i, item in enumerate(items))
        if key == "Fn::If":
            if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
                raise self.fail(TemplateProblem.INVALID, here, "!If takes [condition, then, else]")
            chosen = 1 if self.condition(arg[0], (*here, 0)) else 2
            return self.value(arg[chosen], (*here, chosen), strict=strict)
        if key == "Fn::Select":
            if not (isinstance(arg, list) and len(arg) == 2):
                raise self.fail(TemplateProblem.INVALID, here, "!Select takes [index, list]")
            index = self.value(arg[0], (*here, 0), strict=strict)
            items = self.value(arg[1], (*here, 1), strict=strict)
            try:
                return items[int(index)]
            except (TypeError, ValueError, IndexError, KeyError) as exc:
                raise self.fail(
                    TemplateProblem.INVALID, here, "!Select index out of range"
                ) from exc
        if key == "Fn::Split":
            if not (isinstance(arg, list) and len(arg) == 2):
                raise self.fail(TemplateProblem.INVALID, here, "!Split takes [delimiter, string]")
            sep = self.text(self.value(arg[0], (*here, 0), strict=strict), (*here, 0))
            source = self.text(self.value(arg[1], (*here, 1), strict=strict), (*here, 1))
            return source.split(sep) if sep else [source]
        if key == "Fn::FindInMap":
            if not (isinstance(arg, list) and len(arg) in (3, 4)):
                raise self.fail(TemplateProblem.INVALID, here, "!FindInMap takes 3 arguments")
            keys = [
                self.text(self.value(a, (*here, i), strict=strict), (*here, i))
                for i, a in enumerate(arg[:3])
            ]
            found: Any = self.mappings
            for part in keys:
                found = found.get(part) if isinstance(found, Mapping) else None
            if found is None:
                raise self.fail(
                    TemplateProblem.DANGLING_REFERENCE,
                    here,
                    f"!FindInMap {'/'.join(keys)} is not in Mappings",
                )
            return found
        if key in ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"):
            return self.condition_expr({key: arg}, path)
        if key == "Fn::Transform":
            name = arg.get("Name") if isinstance(arg, Mapping) else None
            raise self.fail(
                TemplateProblem.UNSUPPORTED,
                here,
                f"Fn::Transform ({name or 'a macro'}) is expanded by CloudFormation at deploy "
                "time; inline the document so corsspec can read it",
            )
        if strict:
            raise self.fail(
                TemplateProblem.UNSUPPORTED, here, f"{key} cannot be evaluated before deployment"
            )
        return f"${{{key}}}"

    def sub(self, arg: Any, path: TPath, *, strict: bool) -> str:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            text, local = arg[0], arg[1]
        else:
            text, local = arg, {}
        if not isinstance(text, str):
            raise self.fail(TemplateProblem.INVALID, path, "!Sub takes a string")

        def replace(match: re.Match[str]) -> str:
            var = match.group(1)
            if var.startswith("!"):
                return "${" + var[1:] + "}"
            if var in local:
                return self.text(self.value(local[var], (*path, 1, var), strict=strict), path)
            if "." in var and not var.startswith("AWS::"):
                name, _, attribute = var.partition(".")
                return f"${{{name}.{attribute}}}"
            if var in self.template.resources:
                return f"${{{var}}}"
            if (
                var in self.parameters
                or var in PSEUDO_PARAMETERS
                or var in self.template.parameters
            ):
                return self.text(self.parameter(var, path, strict=strict), path)
            return f"${{{var}}}"

        return _SUB_VAR.sub(replace, text)

    # Conditions ------------------------------------------------------------------------
    def condition(self, name: str, path: TPath) -> bool:
        """Evaluate the named condition.

        :raises GatewayTemplateError: unknown condition or one that cannot be evaluated.
        """
        cached = self._condition_cache.get(name)
        if cached is not None:
            return cached
        if name not in self.conditions:
            raise self.fail(
                TemplateProblem.DANGLING_REFERENCE,
                path,
                f"condition {name!r} is not defined in Conditions",
            )
        if name in self._evaluating:
            # CloudFormation rejects a condition that depends on itself ("Circular
            # condition dependency"); it has no truth value, so say so instead of guessing.
            loop = " -> ".join([*self._evaluating[self._evaluating.index(name) :], name])
            raise self.fail(
                TemplateProblem.CIRCULAR, ("Conditions", name), f"circular conditions: {loop}"
            )
        self._evaluating.append(name)
        try:
            result = self.condition_expr(self.conditions[name], ("Conditions", name))
        finally:
            self._evaluating.pop()
        self._condition_cache[name] = result
        return result

    def condition_expr(self, node: Any, path: TPath) -> bool:
        if isinstance(node, bool):
            return node
        if isinstance(node, dict) and len(node) == 1:
            ((key, arg),) = node.items()
            here = (*path, key)
            if key == "Condition" and isinstance(arg, str):
                return self.condition(arg, here)
            if key == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
                left = self.value(arg[0], (*here, 0))
                right = self.value(arg[1], (*here, 1))
                return bool(_norm(left) == _norm(right))
            if key == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
                return not self.condition_expr(arg[0], (*here, 0))
            if key == "Fn::And" and isinstance(arg, list):
                return all(self.condition_expr(a, (*here, i)) for i, a in enumerate(arg))
            if key == "Fn::Or" and isinstance(arg, list):
                return any(self.condition_expr(a, (*here, i)) for i, a in enumerate(arg))
        raise self.fail(TemplateProblem.UNSUPPORTED, path, "this condition cannot be evaluated")

    def resource_enabled(self, logical: str, body: Mapping[str, Any]) -> bool:
        """Whether a resource exists (its ``Condition``, if any, holds)."""
        name = body.get("Condition")
        if not isinstance(name, str):
            return True
        return self.condition(name, ("Resources", logical, "Condition"))


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value
