"""Make the PyTorch test ViT: seeded torch ViT -> ONNX (opset 17, dynamo=False), plus calibration/test data.

    python tests/vit/make_torch_vit.py [--out tests/vit]

Same shape as the Keras ViT (tests/vit/make_vit.py) but smaller so the ONNX
file stays small: 32x32x3 input (NCHW), patch 4 (65 tokens with the class
token), d 64, 2 layers, 4 heads, MLP 128, nn.LayerNormalization (pre-norm),
nn.GELU (exact: Erf in the graph), head on the class token (x[:, 0]). The batch
dimension is dynamic at export, so the graph holds the Shape/Expand subgraph of
the class token's broadcast, which tinyc folds with batch 1.
Writes vit_torch.onnx, vit_torch_calib.npy (32 samples), vit_torch_test.npy (16).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

IMG, PATCH, D, LAYERS, HEADS, MLP, CLASSES = 32, 4, 64, 2, 4, 128, 10
TOKENS = (IMG // PATCH) ** 2 + 1


def build(seed: int = 0):
    import torch
    from torch import nn

    torch.manual_seed(seed)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
            self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
            self.fc1, self.fc2, self.act = nn.Linear(D, MLP), nn.Linear(MLP, D), nn.GELU()

        def forward(self, x):
            b, n, _ = x.shape
            qkv = self.qkv(self.ln1(x)).reshape(b, n, 3, HEADS, D // HEADS).permute(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            a = (q @ k.transpose(-2, -1)) * (D // HEADS) ** -0.5
            o = (a.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, D)
            x = x + self.proj(o)
            return x + self.fc2(self.act(self.fc1(self.ln2(x))))

    class ViT(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Conv2d(3, D, PATCH, PATCH)
            self.cls = nn.Parameter(torch.randn(1, 1, D) * 0.5)
            self.pos = nn.Parameter(torch.randn(1, TOKENS, D) * 0.5)
            self.blocks = nn.Sequential(*[Block() for _ in range(LAYERS)])
            self.ln = nn.LayerNorm(D)
            self.head = nn.Linear(D, CLASSES)

        def forward(self, x):
            x = self.embed(x).flatten(2).transpose(1, 2)
            x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
            x = self.ln(self.blocks(x))
            return self.head(x[:, 0])

    m = ViT().eval()
    with torch.no_grad():  # LayerNorm affine parameters away from (1, 0)
        for mod in m.modules():
            if isinstance(mod, nn.LayerNorm):
                mod.weight.add_(torch.randn_like(mod.weight) * 0.1)
                mod.bias.add_(torch.randn_like(mod.bias) * 0.1)
    return m


def main(argv=None):
    import torch
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).parent))
    out = Path(ap.parse_args(argv).out)
    m = build()
    x = torch.zeros(1, 3, IMG, IMG)
    torch.onnx.export(m, x, str(out / "vit_torch.onnx"), opset_version=17, dynamo=False,
                      input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
    rng = np.random.default_rng(5)
    np.save(out / "vit_torch_calib.npy", rng.standard_normal((32, 3, IMG, IMG)).astype(np.float32))
    np.save(out / "vit_torch_test.npy", rng.standard_normal((16, 3, IMG, IMG)).astype(np.float32))


if __name__ == "__main__":
    main()
