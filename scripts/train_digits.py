"""Train the small CNN of the second QuantMCU accuracy task (scikit-learn's digits) and export it to ONNX.

    pip install torch==2.13.0 scikit-learn
    python scripts/train_digits.py          # well under a minute on 2 CPU cores

Data: sklearn.datasets.load_digits (1,797 images of 8x8 pixels, values 0..16, shipped
inside the scikit-learn wheel: nothing is downloaded). A seeded permutation puts
1,437 images in training and 360 in test. Input = pixel / 16, float32. Training is
seeded and runs on the CPU. Writes, under models/:

    digits_cnn.onnx      float model, input [1, 1, 8, 8] float32 (pixel / 16), output [1, 10] logits
    digits_calib.npy     128 training images, float32 [128, 1, 8, 8] (tinyc --calib)
    digits_test.npz      the 360 test images: images float32 [360, 8, 8] (pixel / 16), labels int64

The network: conv3x3(1->32) 8x8, conv3x3(32->32) 8x8, conv3x3(32->32, s2) 4x4,
flatten, fc(512->10), ReLU after each conv: a spatial front patch-based inference
applies to, whose maps have a multiple of 8 channels (QuantMCU's bit-plane kernels).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
SEED = 0
EPOCHS = 40


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, 2, 1), nn.ReLU(),
            nn.Flatten())
        self.fc = nn.Linear(32 * 4 * 4, 10)

    def forward(self, x):
        return self.fc(self.features(x))


def load():
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    perm = np.random.default_rng(SEED).permutation(len(x))
    tr, te = perm[:1437], perm[1437:]
    return (x[tr], y[tr]), (x[te], y[te])


def main() -> None:
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    (xtr, ytr), (xte, yte) = load()
    x_train, y_train = torch.from_numpy(xtr[:, None]), torch.from_numpy(ytr)
    x_test, y_test = torch.from_numpy(xte[:, None]), torch.from_numpy(yte)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        net.train()
        perm = torch.randperm(len(x_train), generator=gen)
        for i in range(0, len(perm), 64):
            idx = perm[i:i + 64]
            loss = nn.functional.cross_entropy(net(x_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if (epoch + 1) % 10 == 0:
            print(f"epoch {epoch + 1}: loss {float(loss):.4f}", file=sys.stderr)
    net.eval()
    with torch.no_grad():
        acc = float((net(x_test).argmax(1) == y_test).float().mean())
    print(f"float test accuracy ({len(xte)} images): {100 * acc:.2f}%")
    MODELS.mkdir(exist_ok=True)
    torch.onnx.export(net, (x_test[:1],), str(MODELS / "digits_cnn.onnx"), input_names=["image"],
                      output_names=["logits"], opset_version=17, dynamo=False)
    rng = np.random.default_rng(SEED)
    np.save(MODELS / "digits_calib.npy", xtr[rng.choice(len(xtr), 128, replace=False)][:, None])
    np.savez_compressed(MODELS / "digits_test.npz", images=xte, labels=yte)


if __name__ == "__main__":
    main()
