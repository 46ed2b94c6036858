"""Let pydantic (and so FastAPI) use the library's attrs values as fields and response models.

The values made in bulk (:class:`~lgds_components.address.Address`,
:class:`~lgds_components.address.Match`,
:class:`~lgds_components.bins.Collection`, ...) are frozen attrs classes, which
pydantic does not know. Each has a pydantic model that describes it at the
edge (:class:`~lgds_components.address.schemas.AddressSchema`, ...), and a
``__get_pydantic_core_schema__`` hook added by :func:`pydantic_schema`, which
calls :func:`core_schema_through`: pydantic then validates and serialises
the attrs value *through* its model.
So ``list[Address]`` works as a FastAPI response model, its JSON Schema is the
model's, and an ``Address`` field in a request body arrives as an ``Address``.

>>> from pydantic import TypeAdapter
>>> from lgds_components.address import Address
>>> adapter = TypeAdapter(list[Address])
>>> homes = [Address(uprn=1, pao_start_number=2, street="Mill Lane", postcode="EX4 1AA")]
>>> adapter.dump_python(homes)[0]["single_line"]
'2 Mill Lane, EX4 1AA'
>>> adapter.validate_python([{"uprn": "1", "street": "Mill Lane"}])[0]
Address(uprn=1, parent_uprn=None, usrn=None, organisation='', ...)

Importing this module does not import pydantic: the hooks import it (and
the schema modules) only when pydantic first asks for a class's schema.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel, GetCoreSchemaHandler
    from pydantic_core import CoreSchema

__all__ = ["core_schema_through", "pydantic_schema"]

T = TypeVar("T")


def pydantic_schema(schema: str, to_value: str) -> Callable[[type[T]], type[T]]:
    """A class decorator giving an attrs class a ``__get_pydantic_core_schema__`` hook.

    ``schema`` names the class's pydantic model as ``"module:Class"``;
    ``to_value`` is the model's method that builds the attrs value. Neither is
    imported until pydantic asks, and type checkers see the class unchanged::

        @pydantic_schema("lgds_components.address.schemas:AddressSchema", "to_address")
        @attrs.frozen
        class Address:
            ...
    """
    module_name, _, class_name = schema.partition(":")

    def decorate(cls: type[T]) -> type[T]:
        def hook(owner: type[Any], source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
            model = getattr(importlib.import_module(module_name), class_name)
            return core_schema_through(owner, model, getattr(model, to_value), handler)

        hook.__doc__ = f"pydantic and FastAPI read and write this class as ``{class_name}``."
        setattr(cls, "__get_pydantic_core_schema__", classmethod(hook))  # noqa: B010
        return cls

    return decorate


def core_schema_through(
    domain: type[T],
    model: type[BaseModel],
    to_domain: Callable[[Any], T],
    handler: GetCoreSchemaHandler,
) -> CoreSchema:
    """A pydantic core schema for the attrs class ``domain``, by way of ``model``.

    Validating accepts a ``domain`` instance as it is, or anything ``model``
    accepts (a dict, JSON), turned into a ``domain`` by ``to_domain``.
    Serialising reads the instance's attributes into ``model`` (so computed
    fields such as ``single_line`` are included) and dumps that. The JSON
    Schema, in both modes, is ``model``'s.
    """
    from pydantic_core import core_schema

    model_schema = handler.generate_schema(model)
    from_model = core_schema.no_info_after_validator_function(to_domain, model_schema)

    def serialise(value: Any) -> BaseModel:
        return model.model_validate(value, from_attributes=True)

    return core_schema.json_or_python_schema(
        json_schema=from_model,
        python_schema=core_schema.union_schema(
            [core_schema.is_instance_schema(domain), from_model]
        ),
        serialization=core_schema.plain_serializer_function_ser_schema(
            serialise, return_schema=model_schema
        ),
    )
