"""A random search that survives interruption: each finished trial is appended to a
JSON-lines file at once, and a rerun with the same file trains only what is missing."""
import json
import os
import warnings
from pathlib import Path

import numpy as np

from .search import check_num_trials


class TrialLog:
    """Finished trials, one JSON object per line, each written and synced to disk as soon
    as the trial finishes."""

    def __init__(self, path):
        self.path = Path(path)

    def load(self):
        """The records in the file. A truncated or corrupted *last* line (a write cut short)
        is dropped from the file with a warning, so that its trial runs again; a corrupted
        line before it is an error, since records after it would be kept on trust."""
        if not self.path.exists():
            return []
        lines = self.path.read_bytes().split(b"\n")
        records, good_bytes = [], 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                good_bytes += len(line) + 1
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or "trial" not in record or "error" not in record:
                    raise ValueError("not a trial record")
            except ValueError as exc:
                if any(rest.strip() for rest in lines[number:]):
                    raise ValueError(f"{self.path}:{number}: corrupted trial record ({exc}); "
                                     "later records follow it, so the file needs a look") from None
                warnings.warn(f"{self.path}:{number}: dropping an incomplete last record; "
                              "that trial will run again", stacklevel=2)
                with open(self.path, "r+b") as f:
                    f.truncate(good_bytes)
                break
            records.append(record)
            good_bytes += len(line) + 1
        return records

    def append(self, record):
        with open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")
            f.flush()
            os.fsync(f.fileno())


def resumable_random_search(objective, space, num_trials, path, seed=0):
    """Run trials 0..num_trials-1 of a random search over ``space`` (a ConfigSpace),
    appending each finished one to ``path``; trials already in the file are not rerun.

    Trial ``i`` samples its configuration with ``numpy.random.default_rng([seed, i])`` and
    calls ``objective(config, i)``, so a resumed search draws what the first run would
    have drawn. Returns the records of all ``num_trials`` trials, in trial order."""
    num_trials = check_num_trials(num_trials)
    log = TrialLog(path)
    done = {}
    for record in log.load():
        if record.get("seed") != seed:
            raise ValueError(f"{path} holds trials of a search with seed {record.get('seed')}, "
                             f"not {seed}: use another file")
        done[record["trial"]] = record
    for i in range(num_trials):
        if i in done:
            continue
        config = space.sample(np.random.default_rng([seed, i]))
        record = {"trial": i, "seed": seed, "config": config, "error": float(objective(config, i))}
        log.append(record)
        done[i] = record
    return [done[i] for i in range(num_trials)]
