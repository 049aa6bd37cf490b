"""The ``pantau`` command and the bundled demo source: the roof, which ties every layer together."""
