"""What the audits and the AWS report share: how bad a finding is.

One :class:`Severity`, ranked one way (``INFO`` lowest, ``HIGH`` highest), used by
:mod:`corsspec.server.audit` and :mod:`corsspec.adapters.aws.apigateway` alike, so a
threshold such as ``--fail-on medium`` means the same everywhere.
"""

from __future__ import annotations

import enum

__all__ = ["Severity"]


def __dir__() -> list[str]:
    return __all__


class Severity(enum.Enum):
    """How bad a finding is, from information to a cross-origin read of users' data (or, in
    the AWS report, a request the API means to serve that every browser blocks)."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 (info) to 3 (high): higher is worse. Sort worst first with ``-rank``."""
        return _RANKS[self]

    def at_least(self, threshold: Severity) -> bool:
        """Whether this severity is ``threshold`` or worse."""
        return _RANKS[self] >= _RANKS[threshold]

    @classmethod
    def worst_first(cls) -> tuple[Severity, ...]:
        """Every severity, highest first (the order reports list them in)."""
        return (cls.HIGH, cls.MEDIUM, cls.LOW, cls.INFO)

    @classmethod
    def parse(cls, name: str) -> Severity:
        """``"high"``, ``"Medium"``, ...: a severity by name (case-insensitive).

        :raises ValueError: not a severity name; the message lists the choices.
        """
        try:
            return cls(name.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"{name!r} is not a severity (one of: {choices})") from None


_RANKS = {Severity.INFO: 0, Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}
