"""Errors a user can act on.

``UserError`` and its subclasses carry a message written for the person running the tool;
the command line prints the message without a traceback (``--debug`` shows it) and exits
with :data:`EXIT_USER_ERROR`.
"""

EXIT_OK = 0
EXIT_USER_ERROR = 2
EXIT_VALIDATION_ERRORS = 3  # ran to the end, but some input had errors (e.g. rejected returns)


class UserError(Exception):
    """A mistake in what the user asked for or supplied (bad config, missing file, bad date)."""


class ParameterError(UserError, KeyError):
    """An unknown parameter name, or a date outside the data for a parameter."""

    def __str__(self) -> str:  # KeyError quotes its message; we want it as written
        return str(self.args[0]) if self.args else ""


class ConfigError(UserError):
    """A run or scenario configuration that cannot be used, naming the key at fault."""
