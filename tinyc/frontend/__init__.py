"""Frontends: model files -> tinyc IR (onnx_loader.load_onnx, tflite_loader.load_tflite)."""
