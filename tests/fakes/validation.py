"""Request-body checks against databricks-sdk's own dataclasses: unknown or mistyped keys are refused."""

from __future__ import annotations

import dataclasses
import enum
import typing
from typing import Any


class ApiError(Exception):
    """An error answered the way the workspace does: HTTP status plus `{"error_code", "message"}`."""

    def __init__(self, status: int, error_code: str, message: str):
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message


def _differences(sent: Any, kept: Any, path: str) -> list[str]:
    if isinstance(sent, dict) and isinstance(kept, dict):
        out = []
        for key, value in sent.items():
            where = f"{path}.{key}" if path else key
            if key not in kept:
                if value not in ([], {}):  # the SDK sends empty lists that as_dict() leaves out
                    out.append(where)
            else:
                out.extend(_differences(value, kept[key], where))
        return out
    if isinstance(sent, list) and isinstance(kept, list):
        if len(sent) != len(kept):
            return [path]
        return [d for i, (a, b) in enumerate(zip(sent, kept)) for d in _differences(a, b, f"{path}[{i}]")]
    if isinstance(sent, bool) or isinstance(kept, bool):
        return [] if sent is kept else [path]
    return [] if sent == kept else [path]


def _type_errors(hint: Any, value: Any, path: str) -> list[str]:
    """Where `value` does not have the JSON shape of the type hint (bool, int, str, list, dict, dataclass, enum)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union:
        hint = next(a for a in args if a is not type(None))
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (list, typing.List):
        if not isinstance(value, list):
            return [path]
        return [e for i, item in enumerate(value) for e in _type_errors(args[0], item, f"{path}[{i}]")]
    if origin in (dict, typing.Dict):
        if not isinstance(value, dict):
            return [path]
        return [e for k, item in value.items() for e in _type_errors(args[1], item, f"{path}.{k}")]
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            return [path]
        hints = typing.get_type_hints(hint)
        return [e for k, item in value.items() if k in hints for e in _type_errors(hints[k], item, f"{path}.{k}".lstrip("."))]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return [] if value in {m.value for m in hint} else [path]
    if hint is bool:
        return [] if isinstance(value, bool) else [path]
    if hint is int:
        return [] if isinstance(value, int) and not isinstance(value, bool) else [path]
    if hint is float:
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [path]
    if hint is str:
        return [] if isinstance(value, str) else [path]
    return []


def check_body(cls: type, body: Any, *, extra: tuple[str, ...] = (), required: tuple[str, ...] = ()) -> Any:
    """Parse `body` as `cls` (request-only keys in `extra` are set aside); refuse anything the SDK drops.

    A round trip through `cls.from_dict(...).as_dict()` loses unknown keys and invalid enum values, so
    any difference means the client sent something the real API would not understand.
    """
    if not isinstance(body, dict):
        raise ApiError(400, "MALFORMED_REQUEST", f"expected a JSON object for {cls.__name__}")
    body = {k: v for k, v in body.items() if k not in extra}
    missing = [k for k in required if body.get(k) in (None, "")]
    if missing:
        raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Missing required field(s): {', '.join(missing)}")
    try:
        parsed = cls.from_dict(body)
        kept = parsed.as_dict()
    except (TypeError, ValueError, AttributeError, KeyError) as error:
        raise ApiError(400, "MALFORMED_REQUEST", f"cannot parse {cls.__name__}: {error}") from None
    bad = _differences(body, kept, "") or _type_errors(cls, body, "")
    if bad:
        raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Unknown or invalid field(s) for {cls.__name__}: {', '.join(bad)}")
    return parsed


def check_params(method: Any, body: Any) -> dict[str, Any]:
    """Refuse keys that are not parameters of the SDK method that builds this request body.

    Used where the SDK has no request dataclass (start_update, run_now): its signature is the schema.
    """
    import inspect

    if not isinstance(body, dict):
        raise ApiError(400, "MALFORMED_REQUEST", "expected a JSON object")
    allowed = set(inspect.signature(method).parameters) - {"self"}
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Unknown field(s): {', '.join(unknown)}")
    return body
