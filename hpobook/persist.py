"""A random search that survives interruption: each finished trial is appended to a
JSON-lines file at once, and a rerun with the same file trains only what is missing."""
import json
import os
import warnings
from pathlib import Path

import numpy as np

from .search import check_num_trials


class _Corrupt(ValueError):
    """A line that is not a whole JSON trial record."""


class TrialLog:
    """Finished trials of one search, one JSON object per line, each written and synced to
    disk as soon as the trial finishes. The first line describes the search (``search``, a
    dict): a log of another search is refused, never mixed."""

    def __init__(self, path, search):
        self.path, self.search = Path(path), search

    def load(self):
        """The trial records in the file. A truncated or corrupted *last* line (a write cut
        short) is dropped from the file with a warning, so that its trial runs again; a
        corrupted line before it is an error, since records after it would be kept on trust.
        A last record that lost only its newline gets it back."""
        if not self.path.exists():
            return []
        data = self.path.read_bytes()
        lines = data.split(b"\n")
        records, good_bytes = [], 0
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    records.append(self._parse(line, first=not records))
                except _Corrupt as exc:
                    if any(rest.strip() for rest in lines[number:]):
                        raise ValueError(f"{self.path}:{number}: corrupted trial record ({exc}); "
                                         "later records follow it, so the file needs a look") from None
                    warnings.warn(f"{self.path}:{number}: dropping an incomplete last record; "
                                  "that trial will run again", stacklevel=2)
                    with open(self.path, "r+b") as f:
                        f.truncate(good_bytes)
                    return records[1:]
            good_bytes += len(line) + 1
        if data and not data.endswith(b"\n"):
            with open(self.path, "ab") as f:
                f.write(b"\n")
        return records[1:]

    def _parse(self, line, first):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _Corrupt(exc) from None
        if first:
            self._check_search(record)
        elif not isinstance(record, dict) or "trial" not in record or "error" not in record:
            raise _Corrupt("not a trial record")
        return record

    def _check_search(self, record):
        logged = record.get("search") if isinstance(record, dict) else None
        if not isinstance(logged, dict):
            raise ValueError(f"{self.path} does not start with the description of a search; "
                             "it was not written by resumable_random_search: use another file")
        differ = [f"{key}: the log has {logged.get(key)!r}, this search has {value!r}"
                  for key, value in self.search.items() if logged.get(key) != value]
        if differ:
            raise ValueError(f"{self.path} holds the trials of another search "
                             f"({'; '.join(differ)}): use another file")

    def append(self, record):
        with open(self.path, "a") as f:
            if f.tell() == 0:
                f.write(json.dumps({"search": self.search}) + "\n")
            f.write(json.dumps(record) + "\n")
            f.flush()
            os.fsync(f.fileno())


def resumable_random_search(objective, space, num_trials, path, seed=0, settings=None):
    """Run trials 0..num_trials-1 of a random search over ``space`` (a SearchSpace),
    appending each finished one to ``path``; trials already in the file are not rerun.

    Trial ``i`` samples its configuration with ``numpy.random.default_rng([seed, i])`` and
    calls ``objective(config, i)``, so a resumed search draws what the first run would
    have drawn. The file records the space, the objective's name, its ``settings`` (a dict
    of what else changes its results, such as epochs) and the seed, and is refused for a
    search that differs in any. Returns the records of all ``num_trials`` trials, in order."""
    num_trials = check_num_trials(num_trials)
    search = {"space": repr(space), "seed": seed, "settings": settings or {},
              "objective": f"{objective.__module__}.{objective.__qualname__}"}
    log = TrialLog(path, search)
    done = {record["trial"]: record for record in log.load()}
    for i in range(num_trials):
        if i in done:
            continue
        config = space.sample(np.random.default_rng([seed, i]))
        record = {"trial": i, "seed": seed, "config": config, "error": float(objective(config, i))}
        log.append(record)
        done[i] = record
    return [done[i] for i in range(num_trials)]
