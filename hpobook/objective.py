"""The chapter's objective: validation error of softmax regression as a function of
the learning rate, trained by d2l's own classes on Fashion-MNIST held in memory."""
import math
import warnings

import torch
from d2l import torch as d2l

from .batched import trial_threads
from .data import CHANCE_ERROR, CHANCE_LOSS, NUM_CLASSES, load_fashion_mnist

HPOTrainer = d2l.HPOTrainer  # the chapter's Trainer subclass, saved in d2l 1.0.3


class TensorBatches:
    """Minibatches of in-memory tensors, reshuffled each epoch from torch's global RNG,
    like ``DataLoader(TensorDataset(X, y), batch_size, shuffle)`` without its per-item
    overhead."""

    def __init__(self, X, y, batch_size, shuffle):
        self.X, self.y, self.batch_size, self.shuffle = X, y, batch_size, shuffle

    def __len__(self):
        return -(-len(self.y) // self.batch_size)

    def __iter__(self):
        n = len(self.y)
        order = torch.randperm(n) if self.shuffle else torch.arange(n)
        for batch in order.split(self.batch_size):
            yield self.X[batch], self.y[batch]


class TensorFashionMNIST(d2l.DataModule):
    """A drop-in for ``d2l.FashionMNIST``: the same tensors, from memory, with this book's
    validation set held out of the training set (see :func:`~hpobook.data.load_fashion_mnist`)."""

    def __init__(self, batch_size=64, data=None, data_root=None):
        super().__init__()
        self.save_hyperparameters(ignore=["data"])
        data = data if data is not None else load_fashion_mnist(data_root)
        self.train = (data.X_train, data.y_train)
        self.val = (data.X_val, data.y_val)
        self.test = (data.X_test, data.y_test)  # for the chosen configuration only

    def get_dataloader(self, train):
        X, y = self.train if train else self.val
        return TensorBatches(X, y, self.batch_size, shuffle=train)

    text_labels = d2l.FashionMNIST.text_labels


class DivergenceWarning(UserWarning):
    """Training diverged; the objective reports what it could still measure."""


def check_learning_rate(config):
    """The learning rate of ``config``, refusing unknown keys and invalid values."""
    unknown = set(config) - {"learning_rate"}
    if unknown:
        raise ValueError(f"unknown hyperparameter(s) {sorted(unknown)}; "
                         "this objective takes only 'learning_rate'")
    learning_rate = float(config["learning_rate"])
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive finite number, got {learning_rate}")
    return learning_rate


def hpo_objective_softmax_classification(config, max_epochs=8, data=None, seed=None):
    """The chapter's objective, on in-memory data: the validation error after training
    ``d2l.SoftmaxRegression`` for ``max_epochs`` with minibatch SGD (batch size 16).

    ``seed`` seeds torch (initialisation and shuffling). A diverged run (non-finite
    weights, or a last-epoch training loss above a uniform guess's) warns with
    :class:`DivergenceWarning` and reports its error, or chance level if the weights
    are no longer finite."""
    learning_rate = check_learning_rate(config)
    if seed is not None:
        torch.manual_seed(seed)
    trainer = HPOTrainer(max_epochs=max_epochs)
    data = data if data is not None else TensorFashionMNIST(batch_size=16)
    model = d2l.SoftmaxRegression(num_outputs=NUM_CLASSES, lr=learning_rate)
    model.board.display = False  # d2l's live plot calls clear_output: it would wipe our prints
    with trial_threads(1):
        trainer.fit(model=model, data=data)
    finite = all(torch.isfinite(p).all() for p in model.parameters())
    error = float(trainer.validation_error()) if finite else CHANCE_ERROR
    last_loss = float(model.board.data["train_loss"][-1].y)
    if not finite or not last_loss < CHANCE_LOSS:
        warnings.warn(f"training diverged at learning rate {learning_rate:g} (last training "
                      f"loss {last_loss:.3g}); validation error {error:.4f}",
                      DivergenceWarning, stacklevel=2)
    return error
