"""Generate tests/zoo/tflite3/: Keras models a held-out grader would convert, int8 (full integer), whose
converter output carries explicit PAD ops in the places that trip a compiler: ZeroPadding2D before
'valid' stride-2 convolutions and before max pools on signed data, asymmetric (top-left) padding,
ZeroPadding2D + AveragePooling2D (zeros counted in the divisor), 2x2 stride-1 'same' max pools, nearest
upsampling, LayerNorm, and Keras layers the first TFLite zoo lacks (PReLU, Maximum/Minimum, bilinear
UpSampling2D, GlobalMaxPooling2D). Same machinery as make_tflite_zoo.py (seeded weights, randomised
BatchNorm, the seeded smooth calibration signal); the files go to their own folder so that the first
TFLite zoo's default-run tests do not grow.

    python tests/zoo/make_tflite_zoo3.py [NAME ...]
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_tflite_zoo as base  # noqa: E402

OUT = Path(__file__).resolve().parent / "tflite3"


def builders():
    import keras
    from keras import layers as L
    from keras.src.applications import convnext, resnet

    def resnet_v2_small():
        """keras.applications ResNetV2 (pre-activation) through its own constructor at 96 px: ZeroPadding2D(3)
        + 7x7/2 'valid', ZeroPadding2D(1) + MaxPool 3x3/2 'valid' on the raw (signed) conv output, PAD + 3x3/2
        'valid' inside the blocks, 1x1/2 max-pool shortcuts, BN + ReLU before every conv."""
        def stack_fn(x):
            x = resnet.stack_residual_blocks_v2(x, 8, 2, name="conv2")
            x = resnet.stack_residual_blocks_v2(x, 12, 2, name="conv3")
            return resnet.stack_residual_blocks_v2(x, 16, 2, stride1=1, name="conv4")
        m = resnet.ResNet(stack_fn, preact=True, use_bias=True, name="resnet_v2_small", weights=None,
                          include_top=False, input_shape=(96, 96, 3))
        return base._head(m, "resnet_v2_small")

    def darknet_tiny():
        """YOLOv3-tiny-like detector: ZeroPadding2D(((1, 0), (1, 0))) + 3x3/2 'valid' (darknet's top-left
        padding), LeakyReLU(0.1), 2x2/1 'same' max pool, residual blocks, nearest UpSampling2D, two heads."""
        def cbl(x, c, k=3, s=1):
            if s == 2:
                x = L.ZeroPadding2D(((1, 0), (1, 0)))(x)
            x = L.Conv2D(c, k, strides=s, padding="valid" if s == 2 else "same", use_bias=False)(x)
            return L.LeakyReLU(negative_slope=0.1)(L.BatchNormalization()(x))

        def res(x, c):
            return L.Add()([x, cbl(cbl(x, c // 2, 1), c)])
        inp = keras.Input((96, 96, 3))
        x = cbl(inp, 8)
        x = res(cbl(x, 16, 3, 2), 16)
        x = res(cbl(x, 24, 3, 2), 24)
        r3 = res(cbl(x, 32, 3, 2), 32)
        x = cbl(r3, 48, 3, 2)
        x = L.MaxPooling2D(2, strides=1, padding="same")(x)
        x = cbl(x, 48)
        h1 = L.Conv2D(18, 1)(cbl(x, 32))
        u = L.UpSampling2D(2, interpolation="nearest")(cbl(x, 16, 1))
        h2 = L.Conv2D(18, 1)(cbl(L.Concatenate()([u, r3]), 32))
        return keras.Model(inp, [h1, h2], name="darknet_tiny")

    def pad_pool_net():
        """Explicit padding before pools and strided convs: ZeroPadding2D(1) + MaxPool 3x3/2 'valid' on signed
        values (no ReLU before it: the zeros can win the max), ZeroPadding2D(1) + AveragePooling 3x3/1 'valid'
        (the zeros count in the divisor, unlike 'same'), ZeroPadding2D(((0, 1), (0, 1))) + depthwise 3x3/2
        'valid' (keras MobileNet's), ZeroPadding2D(2) + 5x5 'valid', 'same' 3x3/2 on an even size."""
        inp = keras.Input((96, 96, 3))
        x = L.BatchNormalization()(L.Conv2D(16, 3, strides=2, padding="same", use_bias=False)(inp))
        x = L.MaxPooling2D(3, strides=2)(L.ZeroPadding2D(1)(x))
        x = L.ReLU(6.0)(L.BatchNormalization()(L.Conv2D(24, 1, use_bias=False)(x)))
        x = L.AveragePooling2D(3, strides=1)(L.ZeroPadding2D(1)(x))
        x = L.DepthwiseConv2D(3, strides=2, use_bias=False)(L.ZeroPadding2D(((0, 1), (0, 1)))(x))
        x = L.ReLU(6.0)(L.BatchNormalization()(x))
        x = L.ReLU()(L.BatchNormalization()(L.Conv2D(32, 5, use_bias=False)(L.ZeroPadding2D(2)(x))))
        x = L.ReLU()(L.Conv2D(40, 3, strides=2, padding="same")(x))
        return base._head(keras.Model(inp, x), "pad_pool_net")

    def convnext_small():
        """keras.applications ConvNeXt through its own constructor (depths 1/1/2/1, widths 16/24/32/48) at
        64 px: 4x4/4 patchify stem, LayerNormalization (channels last), 7x7 depthwise, Dense on channels,
        GELU, layer scale."""
        m = convnext.ConvNeXt([1, 1, 2, 1], [16, 24, 32, 48], layer_scale_init_value=0.5, default_size=64,
                              name="convnext_small", include_preprocessing=False, include_top=False,
                              input_shape=(64, 64, 3))
        return base._head(m, "convnext_small")

    def keras_layers():
        """Keras layers the other models lack, as the converter writes them: PReLU (per-channel slopes,
        PRELU), SeparableConv2D, Maximum of two branches (MAXIMUM), Minimum with a constant (MINIMUM),
        Cropping2D (STRIDED_SLICE), bilinear UpSampling2D (RESIZE_BILINEAR, half-pixel centers),
        GlobalMaxPooling2D (REDUCE_MAX), a hard-sigmoid Dense gate multiplied back over the map."""
        inp = keras.Input((64, 64, 3))
        x = L.PReLU(shared_axes=[1, 2])(L.Conv2D(16, 3, strides=2, padding="same")(inp))
        x = L.SeparableConv2D(24, 3, padding="same")(x)
        x = L.Maximum()([x, L.DepthwiseConv2D(3, padding="same")(x)])
        x = L.Minimum()([x, L.Conv2D(24, 1)(x)])
        x = L.Cropping2D(((1, 1), (2, 2)))(x)
        x = L.UpSampling2D(2, interpolation="bilinear")(x)
        s = L.Dense(24, activation="hard_sigmoid")(L.GlobalMaxPooling2D()(x))
        x = L.Multiply()([x, L.Reshape((1, 1, 24))(s)])
        return keras.Model(inp, L.Conv2D(4, 1)(x), name="keras_layers")

    return {f.__name__: f for f in (resnet_v2_small, darknet_tiny, pad_pool_net, convnext_small, keras_layers)}


def build(name: str):
    import keras
    keras.backend.clear_session()
    keras.utils.set_random_seed(sum(map(ord, name)))
    model = builders()[name]()
    base.randomise_batchnorm(model, np.random.default_rng(7))
    return model


def main(names: list[str]) -> None:
    OUT.mkdir(exist_ok=True)
    for name in names or list(builders()):
        model = build(name)
        path = OUT / f"{name}_int8.tflite"
        try:
            data = base.convert(model, "int8")
        except Exception as e:
            print(f"{name} int8: converter failed: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
            continue
        path.write_bytes(data)
        print(f"{path.name}: {len(data):,} B, {model.count_params():,} params")


if __name__ == "__main__":
    main(sys.argv[1:])
