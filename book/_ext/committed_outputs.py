"""Render the outputs committed with each notebook instead of executing it again: nbval
(`make test`) already proves that they are what the notebook computes, and `make notebooks`
executes them on purpose. A notebook committed without outputs is executed as usual."""
from pathlib import Path

import nbformat


def executed(path):
    """Whether every code cell of the notebook at ``path`` has been run."""
    notebook = nbformat.read(path, as_version=4)
    return all(cell.execution_count is not None for cell in notebook.cells
               if cell.cell_type == "code" and cell.source.strip())


def exclude_executed(app, config):
    source = Path(app.srcdir)
    config.nb_execution_excludepatterns = [
        *config.nb_execution_excludepatterns,
        *(str(path.relative_to(source)) for path in sorted(source.glob("notebooks/*.ipynb"))
          if executed(path))]


def setup(app):
    app.connect("config-inited", exclude_executed, priority=900)
    return {"parallel_read_safe": True}
