"""``casegraph report``: a static, offline report site built from the stored questions.

Modules: :mod:`.data` (what the audience may see), :mod:`.questions` (asking stored questions),
:mod:`.charts` (matplotlib charts), :mod:`.timeline` (a case's drawn timeline) and :mod:`.site`
(pages and files). Nothing is imported until used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["build_report", "ReportResult"]

if TYPE_CHECKING:
    from .site import ReportResult, build_report


def __getattr__(name: str):
    if name in __all__:
        from . import site

        return getattr(site, name)
    raise AttributeError(name)
