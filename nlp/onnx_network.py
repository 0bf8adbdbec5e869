"""The trained network run by ONNX Runtime: the same weights and outputs, a faster CPU runtime.

`feedback train` exports the network (encoder, lexicon MLP and heads) beside its weights as
`network.int8.onnx` (the encoder's matrix products in int8, the small heads in float32: quantizing
the heads changed 2.5 % of sentiment labels, the encoder alone 0.02 %) or, with `quantize` off,
`network.fp32.onnx`. A model saved without one, or whose weights changed since, is exported at its
first load (a second or two) and the file is cached beside the weights when that folder is writable.
On a 2-core AMD EPYC (Zen 3) VM a 40-character text took 0.62 ms here against 0.92 ms in torch's
dynamic int8 (docs/classifier.md, session 10). Without onnxruntime the classifier runs in torch.
"""
from __future__ import annotations

import copy
import hashlib
import logging
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

INPUTS = ("ids", "mask", "features")
OUTPUTS = ("aspects", "subreasons", "sentiment")
DIGEST_KEY = "weights_sha256"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def available() -> bool:
    """True when onnxruntime imports (the export also needs the `onnx` package)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def file_name(quantize: bool) -> str:
    return "network.int8.onnx" if quantize else "network.fp32.onnx"


def weights_digest(model_dir: Path) -> str:
    """sha256 of the saved weights: an exported graph is only used with the weights it came from."""
    for name in WEIGHT_FILES:
        path = Path(model_dir) / name
        if path.exists():
            return hashlib.sha256(path.read_bytes()).hexdigest()
    raise FileNotFoundError(f"no weights ({' or '.join(WEIGHT_FILES)}) in {model_dir}")


class OnnxNetwork:
    """`network(ids, mask, features)` -> logits (aspects (n, 3, 4), subreasons, sentiment) as numpy."""

    def __init__(self, graph: bytes | str, num_threads: int = 1):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, num_threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self.digest = self.session.get_modelmeta().custom_metadata_map.get(DIGEST_KEY)
        self.needs_features = "features" in {i.name for i in self.session.get_inputs()}

    def __call__(self, ids: np.ndarray, mask: np.ndarray,
                 features: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        feed = {"ids": ids.astype(np.int64, copy=False), "mask": mask.astype(np.int64, copy=False)}
        if self.needs_features:
            feed["features"] = np.ascontiguousarray(features, dtype=np.float32)
        aspects, subreasons, sentiment = self.session.run(list(OUTPUTS), feed)
        return aspects, subreasons, sentiment


def export(model, path: Path, digest: str, quantize: bool) -> Path:
    """Write `model` (a `FeedbackModel`) to `path` as ONNX, int8 encoder products when `quantize`."""
    import onnx

    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.onnx"
        _export_float(model, plain)
        graph = Path(tmp) / "out.onnx"
        if quantize:
            _quantize_encoder(plain, graph)
        else:
            graph = plain
        proto = onnx.load(str(graph))
        onnx.helper.set_model_props(proto, {DIGEST_KEY: digest})
        staged = Path(tmp) / "staged.onnx"
        onnx.save(proto, str(staged))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".network-", suffix=".onnx")
        os.close(fd)
        try:
            Path(partial).write_bytes(staged.read_bytes())
            os.chmod(partial, 0o666 & ~_umask())  # mkstemp makes it private; the weights beside it are not
            os.replace(partial, path)  # atomic: pool workers may load while another process writes
        finally:
            Path(partial).unlink(missing_ok=True)
    return path


def save_beside(model, model_dir: Path, quantize: bool) -> Path | None:
    """Export the freshly saved `model` into `model_dir` (older exports removed); None without onnx."""
    model_dir = Path(model_dir)
    for old in model_dir.glob("network.*.onnx"):
        old.unlink()
    if not (available() and _exporter_installed()):
        return None
    try:
        return export(model, model_dir / file_name(quantize), weights_digest(model_dir), quantize)
    except Exception as exc:  # the weights are saved; the first load retries, else runs torch
        log.warning("could not export the network for ONNX Runtime (%s): it will run in torch", exc)
        return None


def load(model_dir: Path, quantize: bool, num_threads: int, model=None) -> OnnxNetwork | None:
    """The network of `model_dir` in ONNX Runtime, exported first when missing or stale; None when
    onnxruntime or onnx is not installed."""
    if not available():
        log.warning("onnxruntime is not installed: the network runs in torch (slower)")
        return None
    model_dir = Path(model_dir)
    digest = weights_digest(model_dir)
    path = model_dir / file_name(quantize)
    cached = _cached(path, num_threads)
    if cached is not None and cached.digest == digest:
        return cached
    if not _exporter_installed():
        log.warning("onnx is not installed, so %s cannot be exported: the network runs in torch", path)
        return None
    if model is None:
        from nlp.model import load_model

        model = load_model(model_dir)
    try:
        return _export_and_open(model, path, digest, quantize, num_threads)
    except Exception as exc:  # an exporter that cannot trace this model must not stop classification
        log.warning("could not export %s (%s): the network runs in torch", path, exc)
        return None


def _exporter_installed() -> bool:
    try:
        import onnx  # noqa: F401
    except ImportError:
        return False
    return True


def _export_and_open(model, path: Path, digest: str, quantize: bool, num_threads: int) -> OnnxNetwork:
    try:
        return OnnxNetwork(str(export(model, path, digest, quantize)), num_threads)
    except OSError:  # a read-only model folder: export into memory for this process only
        with tempfile.TemporaryDirectory() as tmp:
            graph = export(model, Path(tmp) / path.name, digest, quantize)
            return OnnxNetwork(graph.read_bytes(), num_threads)


def _cached(path: Path, num_threads: int) -> OnnxNetwork | None:
    if not path.exists():
        return None
    try:
        return OnnxNetwork(str(path), num_threads)
    except Exception:  # a truncated or foreign file is re-exported, never trusted
        return None


def _export_float(model, path: Path) -> None:
    import torch

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, ids, mask, features=None):
            out = self.inner(ids, mask, features)
            return out["aspects"], out["subreasons"], out["sentiment"]

    net = copy.deepcopy(model).float().eval()
    # eager attention exports as plain matrix products, which ONNX Runtime runs faster than the
    # exported scaled_dot_product_attention on CPU (0.72 vs 0.79 ms per text, Zen 3)
    net.set_attn_implementation("eager")
    with_features = net.lexicon_mlp is not None
    ids = torch.ones((2, 8), dtype=torch.long)
    args = (ids, torch.ones_like(ids)) + ((torch.zeros((2, net.n_features)),) if with_features else ())
    names = list(INPUTS[:3 if with_features else 2])
    axes = {"ids": {0: "batch", 1: "length"}, "mask": {0: "batch", 1: "length"}, "features": {0: "batch"}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(Logits(net), args, str(path), input_names=names, output_names=list(OUTPUTS),
                          dynamic_axes={k: v for k, v in axes.items() if k in names}, opset_version=17,
                          dynamo=False)


def _quantize_encoder(source: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    encoder = [node.name for node in onnx.load(str(source)).graph.node
               if node.op_type == "MatMul" and "/bert/encoder/" in node.name]
    root = logging.getLogger()
    root.addFilter(_pre_processing_advice)  # the quantizer logs it on the root logger on every call
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8,
                             op_types_to_quantize=["MatMul"], nodes_to_quantize=encoder)
    finally:
        root.removeFilter(_pre_processing_advice)


def _pre_processing_advice(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Please consider to run pre-processing")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
