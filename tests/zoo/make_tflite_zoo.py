"""Generate the TFLite zoo of tests/zoo/tflite/: real Keras architectures built from code with seeded
weights, converted by the TensorFlow Lite converter to full-integer int8 and 16x8 models.

    python tests/zoo/make_tflite_zoo.py              # (re)writes every tests/zoo/tflite/<arch>_{int8,16x8}.tflite
    python tests/zoo/make_tflite_zoo.py resnet8 unet # only these

What a user gets from `tf.lite.TFLiteConverter` (TF 2.21 / Keras 3 here): explicit PAD ops from
ZeroPadding2D (keras.applications' stride-2 layers), MEAN for global average pooling, HARD_SWISH,
Conv1D as EXPAND_DIMS/RESHAPE + CONV_2D, UNIDIRECTIONAL_SEQUENCE_LSTM, TRANSPOSE_CONV, per-channel
weights, 16x8 int64 biases. tf.keras.applications models come with weights=None, reduced widths/depths
through their own constructors (the same block code, smaller numbers) and small inputs, so every file
stays small; BatchNorm statistics are randomised so that folding is exercised. The calibration set is
seeded (sample(): smooth random signals in [-1, 1], the range keras.applications expect after
preprocessing), so the weights and quantization are reproducible for a given TensorFlow version; the
committed files were made with TF 2.21 / Keras 3.15, some in one process (their tensor names carry
Keras' per-process layer counters).

The tests (tests/zoo/test_tflite_zoo.py) only read the .tflite files; TensorFlow is not needed there.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parent / "tflite"
N_CALIB = 16


def _apps():
    """keras.applications backbones (include_top=False) with a global-average + Dense(10) logits head: their
    own 1280/1024-wide classifier layers would hold most of the weights without adding anything new."""
    import keras
    from keras.src.applications import densenet, efficientnet, efficientnet_v2, nasnet, resnet
    A = keras.applications
    kw = dict(weights=None, include_top=False)
    s96 = dict(input_shape=(96, 96, 3), **kw)
    s64 = dict(input_shape=(64, 64, 3), **kw)
    nets = {
        "mobilenet_v1": lambda: A.MobileNet(alpha=0.25, **s96),
        "mobilenet_v2": lambda: _trunk(A.MobileNetV2(alpha=0.35, **s96), "block_16_project_BN"),
        "mobilenet_v3_small": lambda: A.MobileNetV3Small(alpha=0.5, **s96),
        "mobilenet_v3_small_min": lambda: A.MobileNetV3Small(alpha=0.5, minimalistic=True,
                                                             include_preprocessing=False, **s96),
        "mobilenet_v3_large": lambda: A.MobileNetV3Large(alpha=0.35, include_preprocessing=False, **s96),
        "mobilenet_v3_large_min": lambda: A.MobileNetV3Large(alpha=0.35, minimalistic=True,
                                                             include_preprocessing=False, **s96),
        "efficientnet_b0": lambda: efficientnet.EfficientNet(0.25, 0.34, 96, drop_connect_rate=0.0,
                                                             **s96),
        "efficientnet_v2_b0": lambda: efficientnet_v2.EfficientNetV2(
            0.25, 0.34, 96, drop_connect_rate=0.0, include_preprocessing=False, name="efficientnetv2-b0", **s96),
        "resnet_small": lambda: resnet.ResNet(_resnet_stack(resnet), preact=False, use_bias=True,
                                              name="resnet_small", **s64),
        "densenet_small": lambda: densenet.DenseNet([2, 2, 2, 2], name="densenet_small", **s64),
        "nasnet_small": lambda: nasnet.NASNet(penultimate_filters=96, num_blocks=1, stem_block_filters=8,
                                              skip_reduction=False, default_size=64, **s64),
    }
    return {name: (lambda f=f, name=name: _head(f(), name)) for name, f in nets.items()}


def _trunk(model, layer: str):
    import keras
    return keras.Model(model.inputs, model.get_layer(layer).output)


def _head(backbone, name: str):
    import keras
    from keras import layers as L
    x = L.GlobalAveragePooling2D()(backbone.outputs[0])
    return keras.Model(backbone.inputs, L.Dense(10)(x), name=name)  # logits: they differ from image to image


def _resnet_stack(resnet):
    def stack_fn(x):
        x = resnet.stack_residual_blocks_v1(x, 16, 2, stride1=1, name="conv2")
        x = resnet.stack_residual_blocks_v1(x, 24, 2, name="conv3")
        return resnet.stack_residual_blocks_v1(x, 32, 2, name="conv4")
    return stack_fn


def _densenet(densenet):
    return densenet.DenseNet([2, 2, 2, 2], input_shape=(64, 64, 3), weights=None, classes=10, name="densenet_small")


def _hand():
    import keras
    from keras import layers as L

    def ds_cnn_1d():
        """A DS-CNN keyword spotter on 49 frames x 10 MFCCs written with Conv1D / DepthwiseConv1D."""
        x = inp = keras.Input((49, 10))
        x = L.ReLU()(L.BatchNormalization()(L.Conv1D(64, 10, strides=2, padding="same", use_bias=False)(x)))
        for _ in range(4):
            x = L.ReLU()(L.BatchNormalization()(L.DepthwiseConv1D(3, padding="same", use_bias=False)(x)))
            x = L.ReLU()(L.BatchNormalization()(L.Conv1D(64, 1, use_bias=False)(x)))
        x = L.GlobalAveragePooling1D()(x)
        return keras.Model(inp, L.Dense(12, activation="softmax")(x), name="ds_cnn_1d")

    def ds_cnn():
        """MLPerf Tiny's DS-CNN (Conv2D on a 49x10 spectrogram), small."""
        x = inp = keras.Input((49, 10, 1))
        x = L.ReLU()(L.BatchNormalization()(L.Conv2D(32, (10, 4), strides=(2, 2), padding="same")(x)))
        for _ in range(3):
            x = L.ReLU()(L.BatchNormalization()(L.DepthwiseConv2D(3, padding="same")(x)))
            x = L.ReLU()(L.BatchNormalization()(L.Conv2D(32, 1)(x)))
        x = L.AveragePooling2D(pool_size=x.shape[1:3])(x)
        x = L.Flatten()(x)
        return keras.Model(inp, L.Dense(12, activation="softmax")(x), name="ds_cnn")

    def unet():
        """U-Net-ish segmenter: Conv2D/MaxPool down, Conv2DTranspose up, skip concatenations."""
        inp = keras.Input((64, 64, 3))
        def cb(x, c):
            return L.ReLU()(L.BatchNormalization()(L.Conv2D(c, 3, padding="same")(x)))
        d1 = cb(inp, 8)
        d2 = cb(L.MaxPooling2D()(d1), 16)
        d3 = cb(L.MaxPooling2D()(d2), 24)
        u2 = cb(L.Concatenate()([L.Conv2DTranspose(16, 2, strides=2)(d3), d2]), 16)
        u1 = cb(L.Concatenate()([L.Conv2DTranspose(8, 3, strides=2, padding="same")(u2), d1]), 8)
        return keras.Model(inp, L.Conv2D(3, 1, activation="sigmoid")(u1), name="unet")

    def resnet8():
        """MLPerf Tiny's ResNet-8 (image classification, 32x32x3)."""
        inp = keras.Input((32, 32, 3))
        x = L.ReLU()(L.BatchNormalization()(L.Conv2D(16, 3, padding="same")(inp)))
        for c, s in ((16, 1), (32, 2), (64, 2)):
            y = L.ReLU()(L.BatchNormalization()(L.Conv2D(c, 3, strides=s, padding="same")(x)))
            y = L.BatchNormalization()(L.Conv2D(c, 3, padding="same")(y))
            if s != 1:
                x = L.Conv2D(c, 1, strides=s)(x)
            x = L.ReLU()(L.Add()([x, y]))
        x = L.AveragePooling2D(pool_size=8)(x)
        return keras.Model(inp, L.Dense(10, activation="softmax")(L.Flatten()(x)), name="resnet8")

    def conv1d_audio():
        """A raw-audio Conv1D net (strided convs, MaxPool1D, global average, dense)."""
        x = inp = keras.Input((1024, 1))
        for c, k, s in ((16, 9, 4), (24, 5, 2), (32, 5, 2), (48, 3, 2)):
            x = L.Conv1D(c, k, strides=s, padding="same", activation="relu")(x)
            x = L.MaxPooling1D(2)(x)
        x = L.GlobalAveragePooling1D()(x)
        return keras.Model(inp, L.Dense(8, activation="softmax")(x), name="conv1d_audio")

    def lstm_classifier():
        """Unrolled: full-integer conversion of the fused Keras LSTM (UNIDIRECTIONAL_SEQUENCE_LSTM) crashes
        TF 2.21's converter (segmentation fault); TFLM's mnist_lstm covers the fused op."""
        x = inp = keras.Input((16, 12), batch_size=1)
        x = L.LSTM(24, unroll=True)(x)
        return keras.Model(inp, L.Dense(6, activation="softmax")(x), name="lstm_classifier")

    def gru_classifier():
        x = inp = keras.Input((16, 12), batch_size=1)
        x = L.GRU(24, unroll=True)(x)
        return keras.Model(inp, L.Dense(6, activation="softmax")(x), name="gru_classifier")

    return {f.__name__: f for f in (ds_cnn_1d, ds_cnn, unet, resnet8, conv1d_audio, lstm_classifier,
                                    gru_classifier)}


def builders():
    return {**_apps(), **_hand()}


def randomise_batchnorm(model, rng) -> None:
    """Non-trivial BatchNorm statistics (keras initialises mean 0 / variance 1), so folding matters:
    gamma and variance uniform in [0.6, 1.4], beta and mean N(0, 0.1) (only the weights the layer has)."""
    import keras
    for layer in model.layers:
        if not isinstance(layer, keras.layers.BatchNormalization):
            continue
        names = (["gamma"] if layer.scale else []) + (["beta"] if layer.center else []) + ["mean", "var"]
        new = [rng.uniform(0.6, 1.4, v.shape) if k in ("gamma", "var") else rng.normal(0.0, 0.1, v.shape)
               for k, v in zip(names, layer.get_weights())]
        layer.set_weights([n.astype(v.dtype) for n, v in zip(new, layer.get_weights())])


def calib(model, n: int, seed: int) -> list[np.ndarray]:
    """n seeded samples in [-1, 1] (see sample())."""
    rng = np.random.default_rng(seed)
    return [sample(rng, (1, *model.inputs[0].shape[1:])) for _ in range(n)]


def sample(rng, shape) -> np.ndarray:
    """A smooth random signal plus a little noise, in [-1, 1]: a random coarse grid (4 steps per spatial
    axis) upsampled by repetition, so that global averages differ from sample to sample as they do on real
    images or spectrograms (white noise averages out to the same pooled features)."""
    spatial = shape[1:-1]
    coarse = rng.uniform(-1, 1, (1, *[min(4, d) for d in spatial], shape[-1]))
    for ax, d in enumerate(spatial, start=1):
        reps = -(-d // coarse.shape[ax])
        coarse = np.repeat(coarse, reps, axis=ax).take(range(d), axis=ax)
    x = 0.8 * coarse + 0.2 * rng.uniform(-1, 1, shape)
    return np.clip(x, -1, 1).astype(np.float32)


def convert(model, mode: str) -> bytes:
    """Full-integer conversion: mode 'int8' (int8 in/out) or '16x8' (int16 activations, int8 weights)."""
    import contextlib
    import io

    import tensorflow as tf
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    xs = calib(model, N_CALIB, seed=1)
    conv.representative_dataset = lambda: ([x] for x in xs)
    if mode == "int8":
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = conv.inference_output_type = tf.int8
    else:
        conv.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        conv.inference_input_type = conv.inference_output_type = tf.int16
    with contextlib.redirect_stdout(io.StringIO()):  # keras' export prints the whole signature
        return conv.convert()


def build(name: str):
    import keras
    keras.backend.clear_session()  # layer names (and so tensor names) do not depend on what was built before
    keras.utils.set_random_seed(sum(map(ord, name)))
    model = builders()[name]()
    randomise_batchnorm(model, np.random.default_rng(7))
    return model


def main(names: list[str]) -> None:
    OUT.mkdir(exist_ok=True)
    todo = names or list(builders())
    for name in todo:
        model = build(name)
        for mode in ("int8", "16x8"):
            path = OUT / f"{name}_{mode}.tflite"
            try:
                data = convert(model, mode)
            except Exception as e:  # report and go on: the table says which conversions the converter refused
                print(f"{name} {mode}: converter failed: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
                continue
            path.write_bytes(data)
            print(f"{path.name}: {len(data):,} B, {model.count_params():,} params")


if __name__ == "__main__":
    main(sys.argv[1:])
