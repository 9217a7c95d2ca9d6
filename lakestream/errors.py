"""Errors that carry a message meant for the user (one line on the CLI, a toast in the UI)."""


class UserError(Exception):
    """Something the user can fix; `str(error)` is the whole message, no traceback needed."""

    exit_code = 1
