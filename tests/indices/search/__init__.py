"""The search layer: parser, analysis, both engines, sync and reindex, CLI."""
