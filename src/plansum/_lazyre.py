"""Regular expressions compiled on first use (issue 22: start-up).

plansum's modules define about 170 patterns at import; compiling them all cost ~150 ms of
`plansum summarize`'s start-up, and a small document uses fewer than half of them.
`lazy_re(source, flags)` stands where `re.compile(source, flags)` stood, with the same
methods and attributes (`search`, `finditer`, `sub`, `pattern`, `groupindex` …); `re`
compiles it the first time one of them is called.

Calls cost what they cost on a compiled pattern once it is compiled:
- the module-level name it was assigned to (`_X = lazy_re(...)`) is rebound to the
  compiled `re.Pattern` itself, so later `_X.search(...)` in that module is an ordinary
  call on a compiled pattern;
- a reference held elsewhere (a pattern inside a tuple, or imported by another module)
  keeps the lazy object, whose instance `__dict__` then holds the compiled pattern's bound
  methods (an instance attribute shadows the class's method: one dict lookup more).

`pattern` is there from the start (module-level code builds patterns out of other patterns'
sources without compiling them).  It is not an `re.Pattern` (that type cannot be
subclassed): `re.sub(pat, …)` and `isinstance(x, re.Pattern)` need the methods instead, as
plansum's code does.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast

__all__ = ["lazy_re"]

# The compiled pattern's methods, copied onto the lazy object when it compiles.
_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner")


class _LazyPattern:
    """`re.compile(source, flags)` deferred until the first call."""

    def __init__(self, source: str, flags: int, home: dict[str, Any] | None) -> None:
        self.pattern = source
        self._flags = flags
        self._home = home  # the globals of the module that made it

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not yet)."""
        done: re.Pattern[str] | None = self.__dict__.get("_compiled")
        if done is None:
            done = re.compile(self.pattern, self._flags)
            for name in _METHODS:
                self.__dict__[name] = getattr(done, name)
            self.__dict__["_compiled"] = done
            home, self._home = self._home, None
            if home is not None:  # rebind the module's own name(s) to the compiled pattern
                for key in [k for k, v in home.items() if v is self]:
                    home[key] = done
        return done

    # Each method compiles, then the instance attribute of the same name takes over.
    def search(self, *args: Any, **kwargs: Any) -> re.Match[str] | None:
        return self.compiled().search(*args, **kwargs)

    def match(self, *args: Any, **kwargs: Any) -> re.Match[str] | None:
        return self.compiled().match(*args, **kwargs)

    def fullmatch(self, *args: Any, **kwargs: Any) -> re.Match[str] | None:
        return self.compiled().fullmatch(*args, **kwargs)

    def finditer(self, *args: Any, **kwargs: Any) -> Iterator[re.Match[str]]:
        return self.compiled().finditer(*args, **kwargs)

    def findall(self, *args: Any, **kwargs: Any) -> list[Any]:
        return self.compiled().findall(*args, **kwargs)

    def sub(self, *args: Any, **kwargs: Any) -> str:
        return self.compiled().sub(*args, **kwargs)

    def subn(self, *args: Any, **kwargs: Any) -> tuple[str, int]:
        return self.compiled().subn(*args, **kwargs)

    def split(self, *args: Any, **kwargs: Any) -> list[str | Any]:
        return self.compiled().split(*args, **kwargs)

    def scanner(self, *args: Any, **kwargs: Any) -> Any:
        return self.compiled().scanner(*args, **kwargs)  # type: ignore[attr-defined]

    @property
    def flags(self) -> int:
        return self.compiled().flags

    @property
    def groups(self) -> int:
        return self.compiled().groups

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.compiled().groupindex

    def __repr__(self) -> str:
        return f"lazy_re({self.pattern!r}, {self._flags})"

    def __reduce__(self) -> tuple[Callable[..., re.Pattern[str]], tuple[str, int]]:
        return (re.compile, (self.pattern, self._flags))  # pickles as the compiled pattern


def lazy_re(source: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """`re.compile(source, flags)`, compiled when first used (typed as the compiled pattern)."""
    home = sys._getframe(1).f_globals
    return cast("re.Pattern[str]", _LazyPattern(source, int(flags), home))
