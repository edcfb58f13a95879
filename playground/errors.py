"""The one error type for anything a user can get wrong in a spec or a request."""


class SpecError(ValueError):
    """A user-facing problem: the message says what is wrong and how to fix it."""
