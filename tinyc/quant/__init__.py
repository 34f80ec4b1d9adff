"""Quantization: fixed-point math, observers, calibration, float -> int8 IR."""
