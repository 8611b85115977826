"""User-facing errors: a French message and a hint, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (bad file, bad argument, bad setting).

    The CLI prints `message` and `hint` in French and exits with code 2; the app shows them
    in an error box.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


ECHO_LIMIT = 80  # characters of a user's value repeated in a message


def echo(value: object, limit: int = ECHO_LIMIT) -> str:
    """A user's value as quoted back in a message: at most `limit` characters (a 60 MB cell is
    named, not printed)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
