"""Record ground-truth DataLoader / DistributedSampler lengths from real PyTorch.

steplint's tests compare its step/batch arithmetic against the table this script
writes (tests/oracle/pytorch_dataloader.json), so CI never needs torch installed.

How to run (torch is NOT a dependency of steplint; use a throwaway venv):

    python3 -m venv /tmp/torchenv
    /tmp/torchenv/bin/pip install torch==2.13.0
    /tmp/torchenv/bin/python tests/oracle/record_pytorch.py

The committed table was produced with torch 2.13.0+cpu (CPython 3.11); the exact
version is also stored in the JSON under "torch_version".

Every value is measured on real torch.utils.data objects, never computed here:
  samples_on_rank  len(loader.sampler)  (the plain SequentialSampler gives N)
  len_loader       len(loader)
  last_batch_size  size of the last batch the loader actually yielded
  samples_yielded  total number of samples yielded in one epoch
Loaders with more than MAX_ITER_BATCHES batches are not iterated: their
last_batch_size and samples_yielded are null.  A loader that was iterated but
yielded nothing has samples_yielded 0 and last_batch_size null.

Rows without a DistributedSampler have world_size, rank and sampler_drop_last
null.  The distributed part uses a smaller set of batch sizes (DIST_BATCH_SIZES)
to keep the JSON file small.
"""

import json
import os
import warnings

# torch warns when NumPy is absent; NumPy is not needed here.
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset  # noqa: E402

NS = [1, 2, 7, 8, 9, 33, 63, 64, 65, 100, 255, 256, 257, 1000, 1001, 50000]
BATCH_SIZES = [1, 2, 3, 8, 32, 256, 512]
DIST_BATCH_SIZES = [3, 8, 256]
WORLD_SIZES = [1, 2, 3, 4, 8]
MAX_ITER_BATCHES = 60000

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch_dataloader.json")


def measure(loader):
    """Return (len_loader, last_batch_size, samples_yielded) for one epoch."""
    n_batches = len(loader)
    if n_batches > MAX_ITER_BATCHES:
        return n_batches, None, None
    last, total = None, 0
    for (batch,) in loader:
        last = len(batch)
        total += last
    return n_batches, last, total


def row(n, b, world_size, rank, sampler_drop_last, drop_last, loader):
    len_loader, last, total = measure(loader)
    return {
        "N": n,
        "B": b,
        "world_size": world_size,
        "rank": rank,
        "sampler_drop_last": sampler_drop_last,
        "drop_last": drop_last,
        "samples_on_rank": len(loader.sampler),
        "len_loader": len_loader,
        "last_batch_size": last,
        "samples_yielded": total,
    }


def main():
    cases = []
    for n in NS:
        dataset = TensorDataset(torch.arange(n))
        for b in BATCH_SIZES:
            for drop_last in (False, True):
                loader = DataLoader(dataset, batch_size=b, drop_last=drop_last)
                cases.append(row(n, b, None, None, None, drop_last, loader))
        for p in WORLD_SIZES:
            for sampler_drop_last in (False, True):
                for r in range(p):
                    sampler = DistributedSampler(
                        dataset, num_replicas=p, rank=r, shuffle=False,
                        drop_last=sampler_drop_last,
                    )
                    for b in DIST_BATCH_SIZES:
                        for drop_last in (False, True):
                            loader = DataLoader(dataset, batch_size=b,
                                                sampler=sampler, drop_last=drop_last)
                            cases.append(row(n, b, p, r, sampler_drop_last,
                                             drop_last, loader))

    # One case per line: readable diffs, small file.
    body = ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases)
    with open(OUT, "w") as f:
        f.write('{"torch_version":%s,\n"generated_by":"tests/oracle/record_pytorch.py",\n'
                '"cases":[\n%s\n]}\n' % (json.dumps(torch.__version__), body))
    print(f"torch {torch.__version__}: wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
