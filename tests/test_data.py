import gzip
import shutil

import pytest
import torch
import torchvision

from hpobook import data as hdata
from hpobook.data import (DataFileError, DataNotFoundError, chapter_fashion_mnist,
                          find_data_dir, load_fashion_mnist)
from hpobook.objective import TensorBatches, TensorFashionMNIST


def _same_examples(dataset, X, y):
    assert len(dataset) == len(y)
    for i in [0, 1, 777, len(y) // 2, len(y) - 1]:
        image, label = dataset[i]
        assert torch.equal(image, X[i]), i  # exactly ToTensor's values
        assert label == y[i]


def test_same_tensors_as_d2l_fashion_mnist(fashion, tmp_path):
    """d2l's own data module serves the book's split, and the chapter's test set as test."""
    held_out = chapter_fashion_mnist(batch_size=16, workdir=tmp_path)
    _same_examples(held_out.train, fashion.X_train, fashion.y_train)
    _same_examples(held_out.val, fashion.X_val, fashion.y_val)
    as_written = chapter_fashion_mnist(batch_size=16, workdir=tmp_path, held_out=False)
    _same_examples(as_written.val, fashion.X_test, fashion.y_test)


def test_validation_held_out_of_training_in_class_proportions(fashion):
    assert fashion.X_train.shape == (50000, 1, 28, 28)
    assert fashion.X_val.shape == fashion.X_test.shape == (10000, 1, 28, 28)
    assert fashion.X_train.dtype == torch.float32 and fashion.y_train.dtype == torch.int64
    assert fashion.X_train.min() == 0 and fashion.X_train.max() == 1
    assert torch.bincount(fashion.y_train).tolist() == [5000] * 10
    assert torch.bincount(fashion.y_val).tolist() == [1000] * 10


def test_batches_cover_each_example_once_per_epoch_in_new_order():
    X, y = torch.arange(50.0).view(50, 1), torch.arange(50)
    batches = TensorBatches(X, y, batch_size=16, shuffle=True)
    assert len(batches) == 4
    epochs = [torch.cat([yb for _, yb in batches]) for _ in range(2)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(50))
    assert not torch.equal(epochs[0], epochs[1])
    val = TensorBatches(X, y, batch_size=16, shuffle=False)
    assert [len(yb) for _, yb in val] == [16, 16, 16, 2]
    assert torch.cat([yb for _, yb in val]).tolist() == list(range(50))


def test_data_module_serves_d2l_trainer_batches(subset):
    module = TensorFashionMNIST(batch_size=16, data=subset)
    X, y = next(iter(module.val_dataloader()))
    assert X.shape == (16, 1, 28, 28) and torch.equal(y, subset.y_val[:16])
    assert len(module.train_dataloader()) == 3000 // 16 + 1


def _copy_data(folder):
    source = find_data_dir()
    folder.mkdir()
    for path in source.glob("*-ubyte*"):
        shutil.copy(path, folder / path.name)
    return folder


def test_lookup_order_root_then_environment_then_debian(tmp_path, monkeypatch):
    root, env = _copy_data(tmp_path / "root"), _copy_data(tmp_path / "env")
    monkeypatch.setenv("FASHION_MNIST_DIR", str(env))
    assert find_data_dir(root) == root
    assert find_data_dir() == env
    monkeypatch.setenv("FASHION_MNIST_DIR", str(tmp_path / "empty"))
    assert find_data_dir() == hdata.DEBIAN_DIR


def test_missing_data_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(hdata, "DEBIAN_DIR", tmp_path / "no-debian-package")
    monkeypatch.setenv("FASHION_MNIST_DIR", str(tmp_path / "empty"))
    # the real download code, pointed at a closed port on loopback: it fails at once
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "mirrors", ["http://127.0.0.1:9/"])
    with pytest.raises(DataNotFoundError) as info:
        find_data_dir(tmp_path / "download-here")
    message = str(info.value)
    assert "FASHION_MNIST_DIR" in message and "data_root" in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "download" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


@pytest.fixture
def copy_of_data(tmp_path):
    """A folder with the four files, to damage one of them."""
    for path in find_data_dir().iterdir():
        if path.name.endswith(".gz"):
            shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.mark.parametrize("damage, problem", [
    (lambda raw: raw[:len(raw) // 2], "cannot be unpacked (EOFError"),
    (lambda raw: b"<html>not found</html>", "cannot be unpacked (BadGzipFile"),
    (lambda raw: gzip.compress(gzip.decompress(raw)[:-1000]), "holds 59,008 bytes where its header announces 60,008"),
    (lambda raw: gzip.compress(b"\x00\x00\x0d\x01" + gzip.decompress(raw)[4:]), "is not an IDX file of unsigned bytes"),
])
def test_a_damaged_file_is_named_with_the_ways_to_get_good_data(copy_of_data, damage, problem):
    path = copy_of_data / "train-labels-idx1-ubyte.gz"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(DataFileError) as info:
        load_fashion_mnist(data_root=copy_of_data)
    message = str(info.value)
    assert f"Fashion-MNIST file {path} {problem}" in message
    assert "apt-get install dataset-fashion-mnist" in message and "FASHION_MNIST_DIR" in message
