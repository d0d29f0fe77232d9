import pytest

from hpobook.data import load_fashion_mnist


@pytest.fixture(scope="session")
def fashion():
    return load_fashion_mnist()


@pytest.fixture(scope="session")
def subset(fashion):
    """3,000 training and 1,000 validation images: enough to learn, quick to train."""
    return fashion.head(3000, 1000)
