"""``key=value`` arguments on the command line, typed by an action's JSON schema.

A shell has only strings; the ledger wants exact JSON. Each value is read by the type
the action's argument schema declares for that name: integers stay integers (money is
integer fen, so ``amount=1_000_00`` is 100,000 fen and ``amount=12.5`` is refused),
booleans are ``true``/``false``, arrays and objects are JSON, and strings are taken as
typed (``account=123`` stays the string ``"123"`` where the schema says string). Every
refusal names the argument and the rule, and lists the action's arguments when a name
is unknown, so a typo is fixed without reading the source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from api.commands.member import CliError

INTEGER = re.compile(r"^[+-]?\d+(_\d+)*$")


def parse_pairs(pairs: Sequence[str]) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` -> ``{"a": "1", "b": "x=y"}``; each name at most once."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CliError(f"{pair!r}: expected NAME=VALUE (for example amount=100000)")
        if name in out:
            raise CliError(f"{name}: given twice")
        out[name] = value
    return out


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        found = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"))
        if isinstance(found, Mapping):
            return found
    return schema


def _alternatives(schema: Mapping[str, Any], root: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    schema = _resolve(schema, root)
    options = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(options, list):
        return [alt for option in options for alt in _alternatives(option, root)]
    return [schema]


def describe(schema: Mapping[str, Any], root: Mapping[str, Any]) -> str:
    """A short human name of a property's type: ``integer``, ``one of a|b``, ``string or null``."""
    names: list[str] = []
    for alt in _alternatives(schema, root):
        if "enum" in alt:
            name = "one of " + "|".join(str(v) for v in alt["enum"])
        elif "const" in alt:
            name = json.dumps(alt["const"])
        else:
            kind = alt.get("type", "any JSON value")
            name = "|".join(kind) if isinstance(kind, list) else str(kind)
            if kind == "array" and isinstance(alt.get("items"), Mapping):
                name = f"array of {describe(alt['items'], root)} (JSON)"
            elif kind == "object":
                name = "object (JSON)"
        if name not in names:
            names.append(name)
    return " or ".join(names)


def _convert(text: str, alt: Mapping[str, Any]) -> tuple[bool, Any]:
    """(True, value) if ``text`` reads as this alternative of the schema."""
    if "enum" in alt:
        for choice in alt["enum"]:
            if text == str(choice) or text == json.dumps(choice):
                return True, choice
        return False, None
    kind = alt.get("type")
    if kind == "integer":
        return (True, int(text)) if INTEGER.match(text) else (False, None)
    if kind == "boolean":
        return (text in ("true", "false")), text == "true"
    if kind == "null":
        return text == "null", None
    if kind in ("array", "object"):
        try:
            value = json.loads(text)
        except ValueError:
            return False, None
        return isinstance(value, list if kind == "array" else dict), value
    if kind == "string":
        return True, text
    if kind is None:  # no declared type: integer if it reads as one, else JSON, else text
        if INTEGER.match(text):
            return True, int(text)
        if text[:1] in ("[", "{", '"'):
            try:
                return True, json.loads(text)
            except ValueError:
                return True, text
        return True, text
    return False, None


def coerce(name: str, text: str, schema: Mapping[str, Any], root: Mapping[str, Any]) -> Any:
    """The JSON value of one ``name=text`` argument, or a CliError naming the expected type."""
    alternatives = _alternatives(schema, root)
    # a string alternative is tried last so "null" or "5" prefer null/integer when allowed
    ordered = sorted(alternatives, key=lambda alt: alt.get("type") == "string")
    for alt in ordered:
        ok, value = _convert(text, alt)
        if ok:
            return value
    hint = " (whole numbers only: money is integer fen)" if any(
        alt.get("type") == "integer" for alt in alternatives
    ) and re.match(r"^[+-]?\d*\.\d*$", text) else ""
    raise CliError(f"{name}: expected {describe(schema, root)}, got {text!r}{hint}")


def build_args(
    where: str,
    schema: Mapping[str, Any],
    pairs: Sequence[str],
    base: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Arguments for an action from ``--args-file`` JSON (``base``) and ``key=value`` pairs.

    ``where`` names the action (``settlement.issue``) in errors. Names the schema does not
    declare and required names left out are refused here, before anything is signed.
    """
    properties: Mapping[str, Any] = schema.get("properties", {})
    args: dict[str, Any] = dict(base or {})
    for name, text in parse_pairs(pairs).items():
        if name not in properties and schema.get("additionalProperties") is not True:
            raise CliError(
                f"{name}: {where} has no such argument; its arguments: {signature(schema)}"
            )
        args[name] = coerce(name, text, properties.get(name, {}), schema)
    for name in args:
        if name not in properties and schema.get("additionalProperties") is not True:
            raise CliError(
                f"{name}: {where} has no such argument; its arguments: {signature(schema)}"
            )
    missing = [n for n in schema.get("required", []) if n not in args]
    if missing:
        wanted = ", ".join(f"{n}=<{describe(properties.get(n, {}), schema)}>" for n in missing)
        raise CliError(f"{where}: missing {wanted}")
    return args


def signature(schema: Mapping[str, Any]) -> str:
    """``account=<string> amount=<integer> [memo=<string>]``: required names first."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    parts = [
        f"{n}=<{describe(p, schema)}>" if n in required else f"[{n}=<{describe(p, schema)}>]"
        for n, p in properties.items()
    ]
    return " ".join(sorted(parts, key=lambda part: part.startswith("["))) or "(none)"


def load_args_file(text: str, source: str) -> dict[str, Any]:
    """The JSON object of ``--args-file``; integers only (the ledger refuses floats)."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise CliError(f"{source}: not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise CliError(f"{source}: must hold a JSON object of argument names to values")
    return value


__all__ = ["build_args", "coerce", "describe", "load_args_file", "parse_pairs"]
