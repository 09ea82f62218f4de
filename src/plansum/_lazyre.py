"""Regular expressions compiled on first use (issue 22: start-up).

plansum's modules define about 170 patterns at import; compiling them all cost ~150 ms of
`plansum summarize`'s start-up, and a small document uses fewer than half of them.
`lazy_re(source, flags)` stands where `re.compile(source, flags)` stood: same methods and
attributes (`search`, `finditer`, `sub`, `pattern`, `groupindex` …), compiled by `re` the
first time one of them is asked for.  After that the compiled pattern's bound methods sit
in the object's own `__dict__`, so a call costs what it costs on a compiled pattern.
`pattern` is there from the start (module-level code builds patterns out of other patterns'
sources without compiling them).  Not a `re.Pattern` subclass (that type cannot be
subclassed): code that hands a pattern to `re.sub(pat, …)` or `isinstance(x, re.Pattern)`
must use its methods instead, as plansum's do.
"""

from __future__ import annotations

import re
from typing import Any, cast

__all__ = ["lazy_re"]

# What a compiled pattern offers; each is copied onto the lazy object when it compiles.
_ATTRS = (
    "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
    "flags", "groups", "groupindex",
)


class _LazyPattern:
    """`re.compile(source, flags)` deferred until the first method or attribute is asked for."""

    def __init__(self, source: str, flags: int) -> None:
        self.pattern = source
        self._flags = flags

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not yet)."""
        done: re.Pattern[str] | None = self.__dict__.get("_compiled")
        if done is None:
            done = re.compile(self.pattern, self._flags)
            for name in _ATTRS:
                self.__dict__[name] = getattr(done, name)
            self.__dict__["_compiled"] = done
        return done

    def __getattr__(self, name: str) -> Any:  # only called for names not yet in __dict__
        if name.startswith("__") or name == "_compiled":
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"lazy_re({self.pattern!r}, {self._flags})"

    def __reduce__(self) -> tuple[Any, ...]:  # pickles as the compiled pattern would
        return (re.compile, (self.pattern, self._flags))


def lazy_re(source: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """`re.compile(source, flags)`, compiled when first used (typed as the compiled pattern)."""
    return cast("re.Pattern[str]", _LazyPattern(source, int(flags)))
