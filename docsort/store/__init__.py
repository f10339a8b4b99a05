"""The database: schema, engine, migrations and one module of queries per concept."""
