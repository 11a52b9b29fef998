"""The exception every failing library call raises."""

from __future__ import annotations

from . import _abi


class HpkError(Exception):
    """A libhpkern call returned a status other than HPK_OK.

    Attributes: ``status`` (int, an HPK_* code), ``name`` (e.g. "HPK_ERR_INVALID_ARGUMENT"),
    ``message`` (the library's detail for this failure, from hpk_last_error_message()),
    ``status_message`` (hpk_status_message(status)) and ``function`` (the C function's name).
    """

    def __init__(self, status: int, message: str, status_message: str = "", function: str = ""):
        self.status = status
        self.name = _abi.STATUS_NAMES.get(status, f"unknown status {status}")
        self.message = message
        self.status_message = status_message
        self.function = function
        super().__init__(status, message)

    def __str__(self) -> str:
        where = f"{self.function}: " if self.function else ""
        what = f" ({self.status_message})" if self.status_message else ""
        return f"{where}{self.name} [{self.status}]{what}: {self.message or 'no detail'}"


class Cancelled(HpkError):
    """A long call was stopped by its ``progress`` callback (HPK_ERR_CANCELLED).

    ``done`` and ``total`` are the last progress report's, in the call's units (None if there was
    none). What the outputs hold then is documented per function: ``run`` leaves its grid at
    exactly ``done`` steps; results that are returned (counts, arrays) are not returned at all.
    """

    def __init__(self, status: int, message: str, status_message: str = "", function: str = "",
                 done: int | None = None, total: int | None = None):
        super().__init__(status, message, status_message, function)
        self.done, self.total = done, total
