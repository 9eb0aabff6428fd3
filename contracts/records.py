"""Stored records: the pydantic models contracts keep in state, and their fast path.

A contract's state is JSON values; its logic works on typed records. Every read
used to copy the stored value (so a contract cannot mutate state by mutating what
it read) and then validate the copy into a model, which copies again; every write
dumped the model and then copied and checked the dump. For a record built only of
plain typed fields (str, int, bool, None, enums, literals, typed lists, dicts and
nested records), both second copies are redundant:

- validating a model from the stored value builds new containers for every typed
  field, so the record never aliases state (``ReadContext.load``);
- ``model_dump(mode="json")`` returns fresh containers holding no floats, so the
  overlay may keep the dump as it is and only check its encoding
  (``Context.save``, ``ledger.state.Overlay.put_owned``).

A record class with any other field (``Any``, floats, sets, custom serializers) is
not "plain" and takes the copying path, so the fast path is an optimisation only:
both paths store the same bytes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

PLAIN_SCHEMA_TYPES = frozenset({
    "model", "model-fields", "model-field", "typed-dict", "typed-dict-field",
    "str", "int", "bool", "none", "nullable", "default", "literal", "enum",
    "list", "tuple", "dict", "union", "tagged-union", "definitions", "definition-ref",
    "lax-or-strict", "chain", "function-after",
})
"""Core-schema node types whose validated value is freshly built and whose JSON dump
is plain: no ``any`` (which keeps the input object), ``float``, ``set`` (unordered),
or function serializers and plain validators (which may return anything)."""


def is_plain_schema(schema: Any) -> bool:
    """True if every node of a pydantic core schema is one of ``PLAIN_SCHEMA_TYPES``
    (``metadata`` entries are annotations for JSON Schema, not validation)."""
    if isinstance(schema, dict):
        kind = schema.get("type")
        if isinstance(kind, str) and kind not in PLAIN_SCHEMA_TYPES:
            return False
        return all(
            is_plain_schema(item) for key, item in schema.items() if key != "metadata"
        )
    if isinstance(schema, list | tuple):
        return all(is_plain_schema(item) for item in schema)
    return True


class Record(BaseModel):
    """Base of the records contracts store; unknown fields are a bug, not data.

    Subclasses add their own config (``frozen=True`` for most). ``plain_fields`` is worked
    out once per class from its core schema.
    """

    model_config = ConfigDict(extra="forbid")

    plain_fields: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.plain_fields = False  # not the parent's verdict: set again once complete

    @classmethod
    def __pydantic_on_complete__(cls) -> None:
        """Called once the schema is complete (also after a forward reference is
        resolved by a rebuild); until then ``plain_fields`` stays False."""
        super().__pydantic_on_complete__()
        schema = cls.__pydantic_core_schema__
        cls.plain_fields = isinstance(schema, dict) and is_plain_schema(schema)

    def to_state(self) -> dict[str, Any]:
        """The JSON value stored for this record. A value that does not fit its field's
        type (a float set through ``model_copy(update=...)`` or assignment, which skip
        validation) raises instead of being stored."""
        return self.model_dump(mode="json", warnings="error")
