"""tinyc: a TinyML compiler that turns ONNX / TFLite models into C for Cortex-M."""

__version__ = "0.1.0"


def __getattr__(name):
    """tinyc.compile / tinyc.CompiledModel (tinyc/api.py), imported on first use so that
    `import tinyc` and the CLI stay fast."""
    if name in ("compile", "CompiledModel"):
        from tinyc import api
        return getattr(api, name)
    raise AttributeError(f"module 'tinyc' has no attribute {name!r}")
