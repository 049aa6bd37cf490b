"""The store of record: the catalogue database (documents, files, sightings, facts, failures,
sources and runs), its migrations, and the content-addressed blob store beside it.

Every index is derived from what is here and can be rebuilt from it. Writes are upserts by
natural key (``reg_key`` for documents, SHA-256 for files), so any stage can be re-run.
"""
