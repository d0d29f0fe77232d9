# `make book` builds the book from the committed notebooks, `make test` runs every test.
# Both install what they need into .venv first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APT := apt-get install -y -qq --no-install-recommends
# Builds and tests run where only 127.0.0.1 exists, so that the Ray nodes and the HTTP server
# they start cannot be reached from, or announce, another address.
LOOPBACK := tools/loopback-only

.PHONY: book test check notebooks translations colab-links data browser clean lock

# English at _build/html, Korean at _build/html/ko (tools/book.py). Renders the outputs
# committed with the notebooks (nbval checks them in `make test`); executes none.
book: $(STAMP) data
	$(LOOPBACK) $(PY) -m tools.book build

# Two pytest-xdist workers, one per core of the CI machine (conftest.py orders their work).
test: $(STAMP) data browser
	$(LOOPBACK) $(VENV)/bin/pytest -n 2

# The quick loop while editing: every test that executes no notebook and starts no browser or
# Ray (unit tests, prose scan, coverage, the Korean catalogs and notebooks, Colab links,
# notebook hygiene). `make test` runs these too.
check: $(STAMP) data
	$(VENV)/bin/pytest -n 2 tests --ignore=tests/test_book.py --ignore=tests/test_ray.py \
	  --ignore=tests/test_machines.py

# Re-execute the committed notebooks in place, top to bottom, after changing them, without
# per-cell timestamps (nbclient's record_timing), which would fill every diff. Then drop the
# live widgets' state: with it, the book's pages would load the widget manager from a CDN
# (the book shows hpobook.static_slider instead). nbclient's store_widget_state=False cannot
# do it: it fails on the slider's interactive output. One notebook:
# `make notebooks NOTEBOOKS=notebooks/objective.ipynb`.
NOTEBOOKS ?= notebooks/*.ipynb
notebooks: $(STAMP) data
	$(LOOPBACK) $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.record_timing=False $(NOTEBOOKS)
	$(PY) -c 'import sys, nbformat; [nbformat.write(nb, p) for p in sys.argv[1:] \
	  for nb in [nbformat.read(p, 4)] if nb.metadata.pop("widgets", None)]' $(NOTEBOOKS)
	$(PY) -m tools.korean_notebooks  # the Korean notebooks carry the same outputs

# After changing English prose: merge the new messages into the Korean catalogs and list the
# ones to translate in locales/ko/LC_MESSAGES; once none is left, write the Korean notebooks
# (notebooks/ko). `make test` fails while a message lacks its Korean.
translations: $(STAMP) data
	$(LOOPBACK) $(PY) -m tools.book update

# Rewrite the notebooks' Colab links and install lines and the Korean catalogs' links from
# `repository` in _config.yml, then the Korean notebooks.
colab-links: $(STAMP)
	$(PY) -m tools.colab_links
	$(PY) -m tools.korean_notebooks

# The exact versions of constraints.txt, within the ranges of requirements.txt. uv installs
# them in about a minute on 2 cores, where pip takes 2.5: it unpacks torch's 5.5 GB in
# parallel. It compiles the bytecode too, once: else the processes that start together (Ray's
# workers, the emulated machines' kernels) would each compile the same modules.
UV := $(VENV)/bin/uv pip install --quiet --python
$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet uv -c constraints.txt
	$(UV) $(PY) --compile-bytecode -r requirements.txt -c constraints.txt
	$(UV) $(PY) --no-deps d2l==1.0.3 -e .
	touch $@

# Refresh constraints.txt: the newest versions that requirements.txt allows, installed fresh.
LOCK := _build/lock-venv
lock: $(STAMP)
	rm -rf $(LOCK) && python3 -m venv --without-pip $(LOCK)
	$(UV) $(LOCK)/bin/python -r requirements.txt uv
	$(UV) $(LOCK)/bin/python --no-deps d2l==1.0.3
	{ sed -n 1,2p constraints.txt; $(VENV)/bin/uv pip freeze --python $(LOCK)/bin/python; } > constraints.new
	mv constraints.new constraints.txt && rm -rf $(LOCK)

# Fashion-MNIST: found by hpobook (data root, $FASHION_MNIST_DIR, Debian's package, a
# download); as root on Debian, install the package when it is not found.
data: $(STAMP)
	@$(PY) -m hpobook.data 2>/dev/null || { \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  apt-get update -qq && $(APT) dataset-fashion-mnist && $(PY) -m hpobook.data; } || \
	  $(PY) -m hpobook.data

# Debian's chromium, for the test that opens the built book in a browser.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  apt-get update -qq && $(APT) chromium; } || echo "no chromium: the browser test will be skipped"

clean:
	rm -rf _build
