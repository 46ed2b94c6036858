"""The stores behind the gazetteer front (internal): SQLite and PostgreSQL.

:mod:`~lgds_components.address.stores.base` states the store protocol;
:mod:`~lgds_components.address.stores.sqlite` and
:mod:`~lgds_components.address.stores.postgres` answer it, each with its SQL in
its schema module and its load in a module of its own. Nothing here is part of
the public API: use :class:`~lgds_components.address.gazetteer.Gazetteer` and
:class:`~lgds_components.address.postgres.PostgresGazetteer`.
"""

__all__: list[str] = []
