"""tinyc: a TinyML compiler that turns ONNX / TFLite models into C for Cortex-M."""

__version__ = "0.1.0"
