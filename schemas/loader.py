"""Load valid data as a marshmallow schema would, at a fraction of the cost.

`Schema.load` runs its own machinery (error store, hooks, partial handling,
unknown-field sets) before it reads a single field, and again for every
nested schema. For the small objects of a push that machinery cost more than
the fields' own checks, and validation is still the largest share of a push
(bench/profile_push.py prints it).

`Loader` walks the schema's own field objects and calls their own
`_deserialize` and validators (what `Field.deserialize` calls, without its
per-call steps for hooks this project never sets), so every type check,
range and validator is the schema's. It takes only the plain cases: a JSON
object, no unknown keys, no hooks, no renamed keys. Anything else, and any
value a field refuses, is handed to `Schema.load` itself, so an invalid
mutation gets exactly the errors the schema gives; tests/unit/test_loader.py
checks that both agree.
"""

from marshmallow import RAISE, Schema, ValidationError, fields, missing


class NotPlain(Exception):
    """The data or the schema needs marshmallow's full machinery."""


class Loader:
    def __init__(self, schema: Schema):
        self.schema = schema
        self.plain = schema_is_plain(schema)
        self.names = frozenset(schema.load_fields)
        self.plan = [(name, field, nested_loader(field)) for name, field in schema.load_fields.items()]

    def load(self, data, partial: bool = False) -> dict:
        """What `self.schema.load` returns; raises its ValidationError.

        `partial` lets any top-level field be missing, as an update that names
        only what it changes; a nested object it names must still be whole.
        """
        if self.plain:
            try:
                return self.load_plain(data, partial)
            except (ValidationError, NotPlain):
                pass
        return self.schema.load(data, partial=tuple(self.names) if partial else None)

    def load_plain(self, data, partial: bool) -> dict:
        if type(data) is not dict or not self.names.issuperset(data):
            raise NotPlain
        loaded = {}
        for name, field, nested in self.plan:
            value = data.get(name, missing)
            if value is missing:
                if partial:
                    continue
                value = field.deserialize(missing, name, data)  # the default, or the "required" error
                if value is not missing:
                    loaded[name] = value
            elif value is None:
                if not field.allow_none:
                    raise NotPlain  # the schema names the error
                loaded[name] = None
            elif nested is not None:
                loaded[name] = nested.load_plain(value, False)
            else:
                output = field._deserialize(value, name, data)
                if field.validators:
                    field._validate(output)
                loaded[name] = output
        return loaded


def schema_is_plain(schema: Schema) -> bool:
    return (
        schema.unknown == RAISE
        and not any(schema._hooks.values())
        and not schema.only
        and not schema.exclude
        and all(
            field.data_key is None and field.attribute is None and not field.pre_load and not field.post_load for field in schema.load_fields.values()
        )
    )


def nested_loader(field) -> Loader | None:
    """A Loader for a plain one-object Nested field (its result then needs nothing more)."""
    if not isinstance(field, fields.Nested) or field.many or field.validators or field.only or field.exclude or field.unknown is not None:
        return None
    loader = Loader(field.schema)
    return loader if loader.plain else None
