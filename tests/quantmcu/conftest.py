import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "patching"))


@pytest.fixture(scope="session")
def mnist_int8():
    """models/mnist_cnn.onnx quantized by tinyc on models/mnist_calib.npy."""
    from tinyc.pipeline import Options, load_model, quantize
    return quantize(load_model(ROOT / "models" / "mnist_cnn.onnx"), Options(calib=str(ROOT / "models" / "mnist_calib.npy")))


@pytest.fixture(scope="session")
def mnist_test():
    """(images float32 [1000, 1, 28, 28] = pixel / 256, labels) of models/mnist_test_1000.npz."""
    d = np.load(ROOT / "models" / "mnist_test_1000.npz")
    return d["images"][:, None].astype(np.float32) / 256, d["labels"]
