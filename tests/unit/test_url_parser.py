"""corsspec.engine.url: the WHATWG basic URL parser, one table per spec concept."""

from __future__ import annotations

import pytest

import corsspec as cs
from corsspec.engine.url import URL, try_parse_url
from corsspec.errors import OriginProblem, URLProblem
from tests.unit._support import params
from tests.unit.url_cases import ALL_CASES, ParseCase


def parse(case: ParseCase) -> URL | None:
    """The row's URL: parsed alone, or against its base (with no fragment carried over)."""
    if case.base is None:
        return try_parse_url(case.value)
    return cs.parse_url(case.base).join(case.value)


@pytest.mark.parametrize("case", params(ALL_CASES))
def test_parse_table(case: ParseCase) -> None:
    url = parse(case)
    if case.expected is None:
        assert url is None
        if case.base is None:
            with pytest.raises(cs.InvalidURLError) as info:
                cs.parse_url(case.value)
            assert info.value.reason is case.problem
            assert len(str(info.value)) < 400  # the message names a clipped value
        return
    assert url is not None
    assert url.serialize() == case.expected
    if case.origin is not None:
        assert url.origin.serialize() == case.origin
    # The serialization is canonical: parsing it again gives the same URL record.
    assert cs.parse_url(url.serialize()) == url


def test_backslash_redirect_is_a_cross_origin_hop() -> None:
    # Issue 12: a redirect to `\\evil.example/p` leaves a.example. The engine's redirect
    # step sees a different origin, so the hop taints the request like any other.
    base = cs.parse_url("https://a.example/x/y")
    target = base.join("\\\\evil.example/p")
    assert target is not None
    assert not base.origin.same_origin(target.origin)
    assert target.origin.serialize() == "https://evil.example"


def test_join_inherits_the_fragment() -> None:
    # Fetch: location URL, "If location is a URL whose fragment is null, then set
    # location's fragment to requestFragment".
    base = cs.parse_url("https://a.example/d/x#frag")
    joined = base.join("../y")
    assert joined is not None
    assert joined.serialize() == "https://a.example/y#frag"
    own = base.join("/y#own")
    assert own is not None
    assert own.fragment == "own"


def test_join_bounds() -> None:
    base = cs.parse_url("https://a.example/")
    assert base.join("/" + "x" * 20_000) is None
    assert base.join("https://a.example:" + "9" * 5000) is None
    assert base.join("http://0x" + "f" * 5000) is None


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("http://a:" + "9" * 5000, id="request-5000-digit-port"),
        pytest.param("http://0x" + "f" * 5000 + "/", id="request-5000-digit-hex-host"),
        pytest.param("http://" + "1" * 5000 + "/", id="request-5000-digit-decimal-host"),
    ],
)
def test_request_with_huge_numbers_is_a_typed_error(value: str) -> None:
    # Issue 13: Request(url="http://a:" + "9"*5000) raised ValueError from int().
    with pytest.raises(cs.InvalidURLError) as info:
        cs.Request(url=value, origin="https://app.example")
    assert info.value.reason in (URLProblem.BAD_PORT, URLProblem.BAD_HOST)
    assert str(info.value)


@pytest.mark.parametrize(
    "location",
    [
        pytest.param("https://api.example:" + "9" * 5000 + "/", id="5000-digit-port"),
        pytest.param("https://0x" + "f" * 5000 + "/", id="5000-digit-hex-ipv4"),
        pytest.param("https://" + "7" * 5000 + "/", id="5000-digit-decimal-ipv4"),
    ],
)
def test_location_with_huge_numbers_is_a_network_error(location: str) -> None:
    # Issue 13: a Location header with a 5,000-digit port or IPv4 host made evaluate()
    # raise. The URL Standard says failure, so Fetch's "location URL" is failure and the
    # fetch is a network error.
    request = cs.Request(url="https://api.example/x", origin="https://app.example")
    server = cs.Exchange(
        actual=cs.Response(
            status=302,
            headers=(("Location", location), ("Access-Control-Allow-Origin", "*")),
        )
    )
    for browser in (cs.CHROMIUM, cs.FIREFOX, cs.WEBKIT):
        evaluation = cs.evaluate(request, server, browser=browser)
        assert not evaluation.allowed
        assert len(evaluation.sent) == 1


def test_backslash_location_followed_to_the_other_host() -> None:
    request = cs.Request(url="https://a.example/x/y", origin="https://app.example")

    def server(req: cs.Request) -> cs.Response:
        if req.url.host == "a.example":
            return cs.Response(
                status=302,
                headers=(("Location", "\\\\evil.example/p"), ("Access-Control-Allow-Origin", "*")),
            )
        return cs.Response(status=200, headers=(("Access-Control-Allow-Origin", "*"),))

    evaluation = cs.evaluate(request, server, browser=cs.CHROMIUM)
    assert [sent.url.serialize() for sent in evaluation.sent] == [
        "https://a.example/x/y",
        "https://evil.example/p",
    ]


def test_space_in_request_path_is_sent_encoded() -> None:
    request = cs.Request(url="https://api.example/a b?c d", origin="https://app.example")
    assert request.url.serialize() == "https://api.example/a%20b?c%20d"


def test_lone_surrogate_in_path_becomes_replacement_character() -> None:
    # WebIDL USVString conversion: fetch() and new URL() see U+FFFD, encoded in the path.
    assert cs.parse_url("https://a.example/\udc00").path == "/%EF%BF%BD"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        pytest.param("https://a\u200db.example", URLProblem.UNSUPPORTED_HOST, id="joiner"),
        pytest.param("https://1a.\u05d0", URLProblem.UNSUPPORTED_HOST, id="bidi-rule-1"),
        pytest.param("https://\U00011f04.example", URLProblem.UNSUPPORTED_HOST, id="unicode-15"),
        pytest.param("https://xn--.example", URLProblem.UNSUPPORTED_HOST, id="empty-punycode"),
        pytest.param("https://xn--abc-.example", URLProblem.UNSUPPORTED_HOST, id="ascii-punycode"),
    ],
)
def test_hosts_beyond_the_uts46_approximation_are_reported(value: str, problem: URLProblem) -> None:
    # Never confidently wrong: where exact UTS #46 needs table data, the parse fails with
    # its own problem code and says why, instead of mapping differently from browsers.
    with pytest.raises(cs.InvalidURLError) as info:
        cs.parse_url(value)
    assert info.value.reason is problem
    assert info.value.hint


def test_unsupported_host_in_an_origin() -> None:
    with pytest.raises(cs.InvalidOriginError) as info:
        cs.parse_origin("https://a\u200db.example")
    assert info.value.reason is OriginProblem.UNSUPPORTED_HOST


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("https://\uff21\uff22\uff23.example", "https://abc.example", id="full-width"),
        pytest.param("https://a\u3002example", "https://a.example", id="ideographic-stop"),
        pytest.param("https://%61.example", "https://a.example", id="percent"),
        pytest.param("http://0x7f.1", "http://127.0.0.1", id="hex-ipv4"),
        pytest.param("http://[0::1]:80", "http://[::1]", id="ipv6"),
    ],
)
def test_parse_origin_uses_the_host_parser(value: str, expected: str) -> None:
    assert cs.parse_origin(value).serialize() == expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        pytest.param("http://[fe80::1%25eth0]", OriginProblem.BAD_HOST, id="ipv6-zone"),
        pytest.param("https://\ud800.example", OriginProblem.BAD_HOST, id="lone-surrogate"),
        pytest.param("https://a.example:" + "9" * 1000, OriginProblem.BAD_PORT, id="long-port"),
        pytest.param("https://a\\b", OriginProblem.BAD_HOST, id="backslash"),
        pytest.param("https://[::1]x", OriginProblem.BAD_HOST, id="text-after-ipv6"),
    ],
)
def test_parse_origin_rejects(value: str, problem: OriginProblem) -> None:
    with pytest.raises(cs.InvalidOriginError) as info:
        cs.parse_origin(value)
    assert info.value.reason is problem


def test_same_origin_as_url_for_blob() -> None:
    origin = cs.parse_origin("https://a.example")
    blob = cs.parse_url("blob:https://a.example/uuid")
    assert origin.same_origin_as_url(blob)
    assert origin.same_origin_as_url(blob) is origin.same_origin(blob.origin)
    assert not origin.same_origin_as_url(cs.parse_url("blob:https://b.example/uuid"))


def test_url_fields_for_file_and_opaque_paths() -> None:
    file_url = cs.parse_url("file:///x")
    assert (file_url.host, file_url.empty_host, file_url.path) == ("", True, "/x")
    data = cs.parse_url("data:text/plain,hi#f")
    assert (data.opaque_path, data.path, data.fragment) == (True, "text/plain,hi", "f")
    no_host = cs.parse_url("foo:/a")
    assert (no_host.host, no_host.empty_host, no_host.opaque_path) == ("", False, False)
