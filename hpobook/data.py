"""Fashion-MNIST read once into memory as tensors, and the facts of the data set."""
import functools
import gzip
import math
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
DOWNLOAD_DIR = Path.home() / ".cache" / "hpobook"
FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
         "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
NUM_VAL, SPLIT_SEED = 10_000, 0  # the validation set held out of the official training set
NUM_CLASSES = 10
CHANCE_ERROR = 1 - 1 / NUM_CLASSES
CHANCE_LOSS = math.log(NUM_CLASSES)  # cross-entropy of a uniform guess


HOW_TO_GET = (
    "Get it in one of three ways:\n"
    "  1. pass data_root=DIR, or set FASHION_MNIST_DIR=DIR, where DIR holds the four files "
    "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
    "t10k-labels-idx1-ubyte.gz;\n"
    f"  2. on Debian or Ubuntu: apt-get install dataset-fashion-mnist (puts them in {DEBIAN_DIR});\n"
    "  3. connect to the internet: torchvision then downloads them to {download}.")


class DataNotFoundError(FileNotFoundError):
    """Fashion-MNIST is in none of the places we look and cannot be downloaded."""


class DataFileError(ValueError):
    """A Fashion-MNIST file is there but cannot be read: truncated, damaged or another file."""


def _idx_file(folder, name):
    """The IDX file ``name`` in ``folder`` or torchvision's ``folder/FashionMNIST/raw``."""
    for sub in (Path(folder), Path(folder) / "FashionMNIST" / "raw"):
        for path in (sub / name, sub / f"{name}.gz"):
            if path.is_file():
                return path
    return None


def _holds_data(folder):
    return folder is not None and all(
        _idx_file(folder, name) for pair in FILES.values() for name in pair)


def _download(folder, reason):
    import torchvision
    try:
        for train in (True, False):
            torchvision.datasets.FashionMNIST(folder, train=train, download=True)
    except Exception as exc:  # torchvision raises RuntimeError, URLError, OSError...
        raise DataNotFoundError(
            f"Fashion-MNIST was not found ({reason}) and could not be downloaded "
            f"({type(exc).__name__}: {exc}).\n" + HOW_TO_GET.format(download=folder)) from None
    return Path(folder)


def find_data_dir(data_root=None):
    """The folder holding Fashion-MNIST: ``data_root``, ``$FASHION_MNIST_DIR``,
    Debian's ``dataset-fashion-mnist``, then a torchvision download."""
    env = os.environ.get("FASHION_MNIST_DIR")
    for folder in (data_root, env, DEBIAN_DIR):
        if _holds_data(folder):
            return Path(folder)
    looked = ", ".join(f"{label} {value}" for label, value in
                       (("data_root", data_root), ("$FASHION_MNIST_DIR", env),
                        ("Debian's", DEBIAN_DIR)) if value)
    return _download(data_root or DOWNLOAD_DIR, f"looked in {looked}")


def _raw_bytes(path):
    """The bytes of an IDX file, unpacked if it is gzipped."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read()


def read_idx(path):
    """An IDX file (gzipped or not) as a uint8 array of its stored shape; a file that is not
    one, or not whole, raises :class:`DataFileError` naming it and how to get a good one."""
    try:
        raw = _raw_bytes(path)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise _bad_file(path, f"cannot be unpacked ({type(exc).__name__}: {exc})") from None
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4].ljust(4, b"\xff"))
    if zero != 0 or dtype != 0x08:
        raise _bad_file(path, "is not an IDX file of unsigned bytes")
    header = 4 + 4 * ndim
    shape = struct.unpack(f">{ndim}I", raw[4:header].ljust(4 * ndim, b"\0"))
    if len(raw) != header + math.prod(shape):
        raise _bad_file(path, f"holds {len(raw):,} bytes where its header announces "
                              f"{header + math.prod(shape):,}: it is truncated or damaged")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(shape)


def _bad_file(path, problem):
    return DataFileError(f"Fashion-MNIST file {path} {problem}. Replace it with a good copy.\n"
                         + HOW_TO_GET.format(download=DOWNLOAD_DIR))


@dataclass(frozen=True, eq=False)  # hashed by identity, so that derived arrays can be cached
class FashionMNISTTensors:
    """Images as float32 in [0, 1] of shape (N, 1, 28, 28), labels as int64: the
    values ``torchvision.transforms.ToTensor`` gives. ``train`` and ``val`` split the
    official training set (:func:`stratified_split`); ``test`` is the official test set,
    which a search never sees."""
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor

    def head(self, num_train, num_val):
        """The first ``num_train`` training and ``num_val`` validation examples."""
        return FashionMNISTTensors(self.X_train[:num_train], self.y_train[:num_train],
                                   self.X_val[:num_val], self.y_val[:num_val],
                                   self.X_test, self.y_test)


def stratified_split(labels, num_val=NUM_VAL, seed=SPLIT_SEED):
    """Indices ``(train, val)``: ``num_val`` examples held out, each class in proportion
    to its share of ``labels`` (largest remainders), chosen at random with ``seed``; by
    default, the book's validation split."""
    if not 0 < num_val < len(labels):
        raise ValueError(f"num_val must be in 1..{len(labels) - 1}, got {num_val}")
    generator = torch.Generator().manual_seed(seed)
    classes, counts = labels.unique(return_counts=True)
    quota = counts.double() * num_val / len(labels)
    take = quota.floor().long()
    take[(quota - take).argsort(descending=True)[:num_val - int(take.sum())]] += 1
    val = torch.cat([torch.nonzero(labels == c).flatten()[torch.randperm(int(n), generator=generator)[:k]]
                     for c, n, k in zip(classes, counts, take)])
    mask = torch.ones(len(labels), dtype=torch.bool)
    mask[val] = False
    return torch.nonzero(mask).flatten(), val.sort().values


def _as_tensors(folder, split):
    images, labels = (read_idx(_idx_file(folder, name)) for name in FILES[split])
    X = torch.from_numpy(images.copy()).unsqueeze(1).to(torch.float32).div_(255)
    return X, torch.from_numpy(labels.astype(np.int64))


@functools.lru_cache(maxsize=2)
def _load(folder):
    X, y = _as_tensors(folder, "train")
    train, val = stratified_split(y)
    return FashionMNISTTensors(X[train], y[train], X[val], y[val], *_as_tensors(folder, "test"))


def load_fashion_mnist(data_root=None):
    """All of Fashion-MNIST as :class:`FashionMNISTTensors`, read from disk once: 50,000
    training and 10,000 validation images from the official training set, and the
    official 10,000 test images."""
    return _load(find_data_dir(data_root).resolve())


def chapter_fashion_mnist(batch_size=16, workdir=DOWNLOAD_DIR / "d2l", held_out=True):
    """``d2l.FashionMNIST(batch_size)`` as the chapter builds it (PIL images, ``Resize`` +
    ``ToTensor``), given the files it looks for in ``../data`` so that it needs no download.
    With ``held_out``, it serves this book's split (:func:`load_fashion_mnist`) as torch
    ``Subset`` s of its training set; without, the chapter's: the test set as ``val``."""
    raw = Path(workdir) / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    source = find_data_dir()
    for name in (n for pair in FILES.values() for n in pair):
        if not (raw / name).exists():
            (raw / name).write_bytes(_raw_bytes(_idx_file(source, name)))
    from d2l import torch as d2l
    run = Path(workdir) / "run"
    run.mkdir(exist_ok=True)
    cwd = os.getcwd()
    os.chdir(run)  # d2l.DataModule's root is "../data"
    try:
        data = d2l.FashionMNIST(batch_size=batch_size)
    finally:
        os.chdir(cwd)
    if held_out:
        official = data.train
        train, val = stratified_split(official.targets)
        data.train = torch.utils.data.Subset(official, train)
        data.val = torch.utils.data.Subset(official, val)
    return data


if __name__ == "__main__":
    print(f"Fashion-MNIST: {find_data_dir()}")
