"""One base exception; every user-facing failure says what went wrong and what to do."""


class PlansumError(Exception):
    """Base of all errors plansum raises on purpose.  The CLI prints these as one line."""


class InputError(PlansumError):
    """The input file or text cannot be used (missing, empty, binary, undecodable)."""


class ConfigError(PlansumError):
    """A setting is missing or wrong; the message names the setting to fix."""


class LLMError(PlansumError):
    """The model endpoint could not be used for a whole run."""


class CassetteError(PlansumError):
    """A recorded interaction is missing or stale; the message says how to re-record."""
