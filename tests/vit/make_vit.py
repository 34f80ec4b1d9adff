"""Make the test ViTs: seeded Keras ViT -> TFLite full-integer int8 and 16x8.

    python tests/vit/make_vit.py [--out tests/vit] [--list-ops]

Shape (issue 17): 32x32x3 input, patch 4 (64 patches + a class token = 65
tokens), d 128, 4 layers, 4 heads, MLP 512, pre-LayerNorm blocks (LayerNorm spelled out
and separate q/k/v projections, see LayerNorm), head on the
class token (10 classes). Two GELU variants:
- `gelu`: keras' builtin gelu (approximate=False), which the converter emits as
  the GELU builtin;
- `tanh`: GELU written from primitives, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))),
  which becomes MUL/ADD/TANH (TFLM can run it).
Weights come from seeded initialisers; the representative dataset is 32 seeded
N(0,1) images (the ViT is never trained: the tests pin integer arithmetic).
Writes vit_<gelu>_int8.tflite and vit_<gelu>_16x8.tflite.
"""
from __future__ import annotations

import argparse
import math
import os
from collections import Counter
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

IMG, PATCH, D, LAYERS, HEADS, MLP, CLASSES = 32, 4, 128, 4, 4, 512, 10
TOKENS = (IMG // PATCH) ** 2 + 1


def gelu_tanh(x):
    import tensorflow as tf
    c = math.sqrt(2.0 / math.pi)
    return 0.5 * x * (1.0 + tf.math.tanh(c * (x + 0.044715 * x * x * x)))


def build(gelu: str, seed: int = 0):
    import tensorflow as tf
    from tensorflow import keras
    from tensorflow.keras import layers

    tf.random.set_seed(seed)
    keras.utils.set_random_seed(seed)
    act = (lambda x: tf.nn.gelu(x, approximate=False)) if gelu == "gelu" else gelu_tanh

    class ClassToken(layers.Layer):
        def build(self, shape):
            self.cls = self.add_weight(shape=(1, 1, D), initializer=keras.initializers.RandomNormal(0, 0.5), name="cls")
            self.pos = self.add_weight(shape=(1, TOKENS, D), initializer=keras.initializers.RandomNormal(0, 0.5),
                                       name="pos")

        def call(self, x):
            b = tf.shape(x)[0]
            cls = tf.broadcast_to(self.cls, [b, 1, D])
            return tf.concat([cls, x], axis=1) + self.pos

    class LayerNorm(layers.Layer):
        """LayerNorm spelled out (mean, sub, square, mean, add eps, rsqrt, mul, add): keras'
        own layer converts with a float NEG in the middle, which 16x8 cannot quantize."""

        def build(self, shape):
            init = keras.initializers.RandomNormal(0, 0.1)
            self.gamma = self.add_weight(shape=(D,), initializer=init, name="gamma")
            self.beta = self.add_weight(shape=(D,), initializer=init, name="beta")

        def call(self, x):
            d = x - tf.reduce_mean(x, axis=-1, keepdims=True)
            var = tf.reduce_mean(d * d, axis=-1, keepdims=True)
            return d * tf.math.rsqrt(var + 1e-6) * (1.0 + self.gamma) + self.beta

    class Attention(layers.Layer):
        def build(self, shape):
            self.q, self.k, self.v = (layers.Dense(D, name=n) for n in "qkv")
            self.proj = layers.Dense(D, name="proj")

        def call(self, x):
            hd = D // HEADS
            q, k, v = self.q(x), self.k(x), self.v(x)

            def heads(t):
                return tf.transpose(tf.reshape(t, [-1, TOKENS, HEADS, hd]), [0, 2, 1, 3])
            q, k, v = heads(q), heads(k), heads(v)
            s = tf.matmul(q, k, transpose_b=True) * (1.0 / math.sqrt(hd))
            a = tf.nn.softmax(s, axis=-1)
            o = tf.matmul(a, v)  # [B, H, N, hd]
            o = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [-1, TOKENS, D])
            return self.proj(o)

    inp = keras.Input((IMG, IMG, 3), batch_size=1)
    x = layers.Conv2D(D, PATCH, strides=PATCH, name="patch_embed")(inp)
    x = layers.Reshape(((IMG // PATCH) ** 2, D))(x)
    x = ClassToken(name="cls_pos")(x)
    for i in range(LAYERS):
        h = LayerNorm(name=f"ln1_{i}")(x)
        x = x + Attention(name=f"attn_{i}")(h)
        h = LayerNorm(name=f"ln2_{i}")(x)
        h = layers.Dense(MLP, name=f"fc1_{i}")(h)
        h = layers.Activation(act)(h)
        h = layers.Dense(D, name=f"fc2_{i}")(h)
        x = x + h
    x = LayerNorm(name="ln_f")(x)
    x = layers.Lambda(lambda t: tf.gather(t, 0, axis=1), name="cls_token")(x)
    out = layers.Dense(CLASSES, name="head")(x)
    return keras.Model(inp, out)


def calib(n: int = 32, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, IMG, IMG, 3)).astype(np.float32)


def convert(model, mode: str) -> bytes:
    import tensorflow as tf
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    data = calib()
    conv.representative_dataset = lambda: ([x[None]] for x in data)
    if mode == "int8":
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
    else:
        conv.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        conv.inference_input_type = tf.int16
        conv.inference_output_type = tf.int16
    return conv.convert()


def op_counts(path) -> Counter:
    from tinyc.frontend.tflite_loader import read_model
    return Counter(op.opname for op in read_model(path).ops)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).parent))
    ap.add_argument("--list-ops", action="store_true", help="only list the ops of the existing files")
    args = ap.parse_args(argv)
    out = Path(args.out)
    for gelu in ("gelu", "tanh"):
        model = None
        for mode in ("int8", "16x8"):
            path = out / f"vit_{gelu}_{mode}.tflite"
            if not args.list_ops:
                model = model or build(gelu)
                path.write_bytes(convert(model, mode))
            counts = op_counts(path)
            print(f"{path.name}: {path.stat().st_size} B, " + ", ".join(f"{k} x{v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()

# Ops the converter (TF 2.21) emits, `python tests/vit/make_vit.py --list-ops`:
# vit_gelu_int8: ADD x27, BATCH_MATMUL x8, CONCATENATION x1, CONV_2D x1, FULLY_CONNECTED x25,
#   GATHER x1, GELU x4, MEAN x18, MUL x31, RESHAPE x17, RSQRT x9, SOFTMAX x4, SUB x9, TRANSPOSE x16
# vit_gelu_16x8: the same + QUANTIZE x1 (int16 -> int16 requantize after the patch embedding)
# vit_tanh_int8: ADD x35, MUL x55, TANH x4 instead of GELU x4, otherwise as vit_gelu_int8
# vit_tanh_16x8: the same + QUANTIZE x1
