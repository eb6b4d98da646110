"""Laws of :class:`corsspec.server.policy.Policy`.

* ``evaluate(request, policy).allowed == policy.allows(request)`` for every browser
  profile: the policy's own prediction and the fetch algorithm agree.
* ``Policy.from_mapping(p.to_mapping()) == p`` (and pickling) for every valid policy.
* ``respond`` never raises, whatever the ``Origin`` and ``Access-Control-Request-*``
  values, and its preflight answers are what ``allows`` promises.
* Adding an origin/method/header to a policy never turns an allowed request into a
  blocked one (monotonicity).
"""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import corsspec as cs
from corsspec.engine.model import wire_request
from corsspec.server.policy import OriginRegex, Policy, VaryMode
from tests.strategies import ORIGIN_POOL, URL_POOL, header_names, raw_header_values, requests

pytestmark = pytest.mark.property

PROFILES = [cs.get_profile(name) for name in ("chromium", "firefox", "webkit", "spec")]

_ORIGIN_ITEMS = (
    *[o for o in ORIGIN_POOL if o != "null"],
    "null",
    "*",
    "https://*.example",
    "https://api.example:*",
    "http://*.example:*",
    "https://other.example",
)
_REGEXES = (
    OriginRegex(pattern=r"https://app\.example"),
    OriginRegex(pattern=r"https://APP\.example", ignore_case=True),
    OriginRegex(pattern=r"http", prefix=True),
    OriginRegex(pattern=r"nu", prefix=True),
)
_METHOD_ITEMS = ("*", "PUT", "DELETE", "PATCH", "patch", "OPTIONS", "Put", "QUERY", "GET")
_HEADER_ITEMS = (
    "*",
    "x-custom",
    "authorization",
    "content-type",
    "x-requested-with",
    "dpr",
    "save-data",
    "accept",
    "range",
    "cache-control",
    "x-http-method-override",
    "content-language",
    "accept-language",
)


def _relaxed(**fields: Any) -> Policy:
    return Policy(
        **fields,
        dangerously_allow_any_origin_with_credentials=True,
        dangerously_allow_null_origin=True,
        dangerously_allow_insecure_origins=True,
        dangerously_allow_public_suffix_wildcards=True,
        dangerously_allow_prefix_regexes=True,
        dangerously_allow_forbidden_names=True,
        dangerously_allow_expose_wildcard_with_credentials=True,
        dangerously_allow_private_network_from_any_origin=True,
    )


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """Valid policies over the strategies' origins, methods and header names."""
    origins = draw(st.lists(st.sampled_from(_ORIGIN_ITEMS), max_size=4, unique=True))
    if "*" in origins:
        origins = ["*"]
    credentials = draw(st.booleans())
    return _relaxed(
        allow_origins=origins,
        allow_origin_regexes=draw(st.lists(st.sampled_from(_REGEXES), max_size=2)),
        allow_methods=draw(st.lists(st.sampled_from(_METHOD_ITEMS), max_size=4)),
        allow_headers=draw(
            st.lists(
                st.one_of(st.sampled_from(_HEADER_ITEMS), header_names()),
                max_size=5,
            )
        ),
        allow_credentials=credentials,
        expose_headers=draw(st.lists(st.sampled_from(["x-total", "*", "etag"]), max_size=2)),
        max_age=draw(st.none() | st.integers(0, 86400)),
        allow_private_network=draw(st.booleans()),
        preflight_passthrough=draw(st.booleans()),
        reflect_any_origin=draw(st.booleans()),
        static_lists=draw(st.booleans()),
        vary=draw(st.sampled_from(list(VaryMode))),
        always_send_static=draw(st.booleans()),
        preflight_wildcards=not credentials and draw(st.booleans()),
    )


_EXAMPLE_POLICY = _relaxed(
    allow_origins=["https://app.example"],
    allow_methods=["*"],
    allow_headers=["*"],
    allow_credentials=True,
    static_lists=True,
)
_EXAMPLE_REQUEST = cs.Request(
    method="PUT",
    url=URL_POOL[2],
    origin="https://app.example",
    headers=[("Authorization", "x")],
    credentials="include",
)


@given(policy=policies(), request=requests(), browser=st.sampled_from(PROFILES))
@example(policy=_EXAMPLE_POLICY, request=_EXAMPLE_REQUEST, browser=cs.SPEC)
@example(policy=attrs.evolve(_EXAMPLE_POLICY, static_lists=False), request=_EXAMPLE_REQUEST,
         browser=cs.SPEC)  # fmt: skip
@example(
    policy=attrs.evolve(_EXAMPLE_POLICY, allow_credentials=False),
    request=attrs.evolve(_EXAMPLE_REQUEST, credentials="omit"),
    browser=cs.SPEC,
)
def test_evaluate_agrees_with_allows(
    policy: Policy, request: cs.Request, browser: cs.BrowserProfile
) -> None:
    ev = cs.evaluate(request, policy, browser=browser)
    assert policy.allows(request, browser) == ev.allowed, ev.reason


@attrs.frozen
class _Debugging:
    """A policy answering in debug mode: refused preflights get an ok status and the
    headers that passed (the server an operator runs while looking for the cause)."""

    policy: Policy

    def respond(self, request: cs.Request) -> cs.Response:
        return self.policy.respond(request, debug=True)


@given(policy=policies(), request=requests(), browser=st.sampled_from(PROFILES))
@example(
    policy=_relaxed(allow_origins=["https://app.example"], allow_methods=["DELETE"]),
    request=cs.Request(method="PUT", url=URL_POOL[2], origin="https://app.example",
                       api="xhr", upload_listener=True, body=cs.Body.text("x")),
    browser=cs.SPEC,
)  # fmt: skip
def test_debug_answers_are_judged_as_allows_predicts(
    policy: Policy, request: cs.Request, browser: cs.BrowserProfile
) -> None:
    """Debug mode changes how a refusal looks, never whether the browser refuses."""
    ev = cs.evaluate(request, _Debugging(policy), browser=browser)
    assert policy.allows(request, browser) == ev.allowed, ev.reason


@given(request=requests(), browser=st.sampled_from(PROFILES), data=st.data())
def test_evaluate_agrees_with_allows_for_near_miss_policies(
    request: cs.Request, browser: cs.BrowserProfile, data: st.DataObject
) -> None:
    """Policies built from the request itself, each part kept or dropped at random: most
    requests here are preflighted and allowed, or blocked by exactly one missing item."""
    names = list(cs.unsafe_header_names(request, browser)) if request.mode is cs.Mode.CORS else []
    keep = st.integers(0, 5).map(bool)
    origin = request.origin.serialize()
    policy = _relaxed(
        allow_origins=[origin] if data.draw(keep) else [],
        allow_methods=[request.method] if data.draw(keep) else [],
        allow_headers=[n for n in names if data.draw(st.integers(0, 4)) > 0],
        allow_credentials=data.draw(st.integers(0, 3)) > 0,
        static_lists=data.draw(st.booleans()),
        reflect_any_origin=data.draw(st.booleans()),
        preflight_passthrough=data.draw(st.booleans()),
    )
    ev = cs.evaluate(request, policy, browser=browser)
    assert policy.allows(request, browser) == ev.allowed, ev.reason


@given(policy=policies(), request=requests(), browser=st.sampled_from(PROFILES))
def test_a_wrapped_policy_answers_like_the_bare_policy(
    policy: Policy, request: cs.Request, browser: cs.BrowserProfile
) -> None:
    server = policy.wrap(lambda _r: cs.Response(status=200, headers=[("X-Total", "1")]))
    assert cs.evaluate(request, server, browser=browser).allowed == policy.allows(request, browser)


@given(policy=policies())
def test_mapping_round_trip(policy: Policy) -> None:
    assert Policy.from_mapping(policy.to_mapping()) == policy
    assert pickle.loads(pickle.dumps(policy)) == policy
    assert hash(Policy.from_mapping(policy.to_mapping())) == hash(policy)


@given(
    policy=policies(),
    origin=st.one_of(st.sampled_from(_ORIGIN_ITEMS), raw_header_values()),
    acrm=raw_header_values(),
    acrh=raw_header_values(),
    acrpn=st.sampled_from(["true", "false", "x"]),
)
def test_respond_never_raises(
    policy: Policy, origin: str, acrm: str, acrh: str, acrpn: str
) -> None:
    for headers in (
        [("Origin", origin), ("Access-Control-Request-Method", acrm)],
        [
            ("Origin", origin),
            ("Access-Control-Request-Method", acrm),
            ("Access-Control-Request-Headers", acrh),
            ("Access-Control-Request-Private-Network", acrpn),
        ],
        [("Origin", origin)],
    ):
        for method in ("OPTIONS", "GET"):
            base = cs.Request(url=URL_POOL[2], origin="https://app.example")
            # What arrives at a server need not be what a browser sends: build it raw.
            request = wire_request(
                method=method,
                url=base.url,
                origin=base.origin,
                headers=tuple(headers),
                like=base,
                body=None,
            )
            response = policy.respond(request)
            assert isinstance(response, cs.Response)


@given(policy=policies(), request=requests(), browser=st.sampled_from(PROFILES), data=st.data())
def test_allowing_more_never_blocks(
    policy: Policy, request: cs.Request, browser: cs.BrowserProfile, data: st.DataObject
) -> None:
    if not policy.allows(request, browser):
        return
    extra_origin = data.draw(st.sampled_from([o for o in _ORIGIN_ITEMS if o != "*"]))
    extra_method = data.draw(st.sampled_from([m for m in _METHOD_ITEMS if m != "*"]))
    extra_header = data.draw(st.sampled_from([h for h in _HEADER_ITEMS if h != "*"]))
    origins = policy.allow_origins if "*" in policy.allow_origins else (
        *policy.allow_origins, extra_origin
    )  # fmt: skip
    wider = attrs.evolve(
        policy,
        allow_origins=origins,
        allow_methods=(*policy.allow_methods, extra_method),
        allow_headers=(*policy.allow_headers, extra_header),
    )
    assert wider.allows(request, browser)
    assert cs.evaluate(request, wider, browser=browser).allowed
