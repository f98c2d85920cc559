"""Training speed of ser_rs's RNN against the same network trained by a plain PyTorch loop,
measured in one run on the same data and thread count (issue 4, "Speed, in a benchmark script").

    nice .venv/bin/python benchmarks/bench_train.py                  # ~10 min on 2 busy cores
    nice .venv/bin/python benchmarks/bench_train.py --quick          # a smoke run, not for the README
    nice .venv/bin/python benchmarks/bench_train.py --threads 1 2 --pgd

Prints a table and writes bench-results/train.json. Reported:

1. Feature extraction: ``ser_rs.model.extract_sequences`` over the first N files of ravdess-16k
   (actors 01.., all 8 emotions), with every core and with one, for each configuration's
   pipeline: the classifier's DEFAULT_FEATURES (40 MFCCs at 16 kHz) and the command's (64
   log-mel bands with each utterance's egemaps_like and ser162 functionals on every frame). "The
   feature pipeline is never the bottleneck" means it takes less than one training epoch over
   the same files.
2. Seconds per epoch of ``EmotionClassifier(model="rnn")`` (from ``history_["seconds"]``)
   against a PyTorch replica of src/model/net.rs and train.rs in Python: one single-direction
   ``nn.LSTM`` per layer and direction, the backward direction reading each sequence reversed
   within its own length (a gather), dropout between layers, additive attention pooling with a
   masked softmax or the masked mean, dropout, a linear head; AdamW (weight decay 1e-2), cosine schedule
   per epoch, gradient-norm clipping at 1, cross-entropy, batches of 32 in a seeded order,
   zero-padded with lengths and masks; the same sequences, standardised as ser_rs does. Both call the same
   libtorch (ser_rs links the one torch ships), so the difference is the loop around it.
   Configurations: the classifier's defaults (2-layer biLSTM 128, attention, dropout 0.3, lr
   1e-3, on MFCCs) and the command's (biLSTM 64, 1 layer, mean pooling, dropout 0.5, lr 2e-3, on
   log-mel plus functionals), the latter optionally with PGD-3 adversarial training (epsilon
   0.2, ratio 0.5).
   The two sides run alternately (ABBA order over repeats); the first epoch of every run is
   warm-up and dropped; the table gives the median over the remaining epochs of all repeats,
   and, steadier on a shared machine, the ratio of the process CPU time of whole fits.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_features import machine as features_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ravdess-16k"
OUT = ROOT / "bench-results"

#: name -> network settings and feature pipeline (None: DEFAULT_FEATURES). "default":
#: EmotionClassifier's defaults (python/ser_rs/model.py); "command": the `ser-rs` settings
#: (python/ser_rs/cli.py).
CONFIGS = {
    "default": {"net": {"hidden_size": 128, "num_layers": 2, "pooling": "attention", "dropout": 0.3, "lr": 1e-3}, "features": None},
    "command": {"net": {"hidden_size": 64, "num_layers": 1, "pooling": "mean", "dropout": 0.5, "lr": 2e-3}, "features": "mel+functionals"},
}
#: Shared by both sides and every configuration.
COMMON = {"bidirectional": True, "batch_size": 32, "weight_decay": 1e-2, "clip_grad_norm": 1.0}
#: The CLI's adversarial training: PGD-3 at 0.2 std, step 2.5 * eps / steps (Madry et al. 2018's
#: rule, as ser_rs uses when pgd_step_size is None), random start, half the loss.
PGD = {"epsilon": 0.2, "pgd_steps": 3, "adv_ratio": 0.5}


def machine() -> dict:
    import torch

    import ser_rs

    return {**features_machine(), "torch": torch.__version__, "ser_rs": getattr(ser_rs, "__version__", "?"), "load_avg_at_start": os.getloadavg(),
            # glibc malloc tuning changes both sides' page faults, so the run records any that was set.
            "env": {k: v for k, v in os.environ.items() if k.startswith(("MALLOC_", "OMP_", "MKL_", "LD_PRELOAD"))}}


def corpus(n: int) -> tuple[list[str], list[str]]:
    """The first ``n`` files of the manifest (whole actors in order: 60 files, 8 emotions each)."""
    with open(DATA / "manifest.csv", newline="") as f:
        rows = list(csv.DictReader(f))[:n]
    return [str(DATA.parent / r["path"]) for r in rows], [r["emotion"] for r in rows]


# -- the PyTorch replica ---------------------------------------------------------------------------


def torch_net(n_features: int, n_classes: int, hidden_size: int, num_layers: int, bidirectional: bool, dropout: float, pooling: str):
    import torch
    from torch import nn
    import torch.nn.functional as F

    def reversal_index(lengths: torch.Tensor, t_max: int) -> torch.Tensor:
        # Row b of length L: t -> L - 1 - t on real frames, padding left where it is.
        t = torch.arange(t_max).unsqueeze(0)
        l = lengths.unsqueeze(1)
        return torch.where(t < l, l - 1 - t, t)

    def reverse_within(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        return x.gather(1, index.unsqueeze(-1).expand_as(x))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            dirs = 2 if bidirectional else 1
            self.fwd = nn.ModuleList()
            self.bwd = nn.ModuleList()
            for i in range(num_layers):
                inp = n_features if i == 0 else hidden_size * dirs
                self.fwd.append(nn.LSTM(inp, hidden_size, batch_first=True))
                if bidirectional:
                    self.bwd.append(nn.LSTM(inp, hidden_size, batch_first=True))
            dim = hidden_size * dirs
            self.attention = pooling == "attention"
            if self.attention:
                self.proj = nn.Linear(dim, dim)
                self.score = nn.Linear(dim, 1, bias=False)
            self.head = nn.Linear(dim, n_classes)

        def forward(self, x, lengths, mask, train: bool):
            index = reversal_index(lengths, x.shape[1]) if bidirectional else None
            h = x
            for i in range(num_layers):
                if i > 0:
                    h = F.dropout(h, dropout, training=train)
                f = self.fwd[i](h)[0]
                h = torch.cat([f, reverse_within(self.bwd[i](reverse_within(h, index))[0], index)], 2) if bidirectional else f
            if self.attention:
                scores = self.score(torch.tanh(self.proj(h))).squeeze(-1)
                weights = scores.masked_fill(mask == 0, float("-inf")).softmax(1)
                pooled = (h * weights.unsqueeze(-1)).sum(1)
            else:
                m = mask.unsqueeze(-1)
                pooled = (h * m).sum(1) / m.sum(1)
            return self.head(F.dropout(pooled, dropout, training=train))

    return Net()


def torch_fit(seqs: list, codes: np.ndarray, n_classes: int, cfg: dict, epochs: int, threads: int, adversarial: bool, seed: int = 0) -> tuple:
    """Standardises the raw sequences as ser_rs does and trains the replica on them: (seconds per
    epoch, mean train loss per epoch, parameter shapes)."""
    import torch
    import torch.nn.functional as F
    from torch.nn.utils.rnn import pad_sequence

    torch.set_num_threads(threads)
    seqs = standardise(seqs)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = torch_net(seqs[0].shape[1], n_classes, cfg["hidden_size"], cfg["num_layers"], COMMON["bidirectional"], cfg["dropout"], cfg["pooling"])
    opt = torch.optim.AdamW(net.parameters(), lr=cfg["lr"], weight_decay=COMMON["weight_decay"])
    xs = [torch.from_numpy(s) for s in seqs]
    lens = torch.tensor([len(s) for s in seqs])
    ys = torch.from_numpy(codes.astype(np.int64))
    eps, steps, ratio = PGD["epsilon"], PGD["pgd_steps"], PGD["adv_ratio"]
    step = 2.5 * eps / steps

    def input_gradient(x, lengths, mask, y):
        x = x.detach().requires_grad_(True)
        loss = F.cross_entropy(net(x, lengths, mask, False), y)
        return torch.autograd.grad(loss, x)[0]

    def pgd(x, lengths, mask, y):
        m = mask.unsqueeze(-1)
        delta = (torch.rand_like(x) * 2 - 1) * eps * m
        for _ in range(steps):
            g = input_gradient(x + delta, lengths, mask, y)
            delta = ((delta + g.sign() * step).clamp(-eps, eps) * m).detach()
        return (x + delta).detach()

    seconds, losses = [], []
    for epoch in range(epochs):
        start = time.perf_counter()
        for group in opt.param_groups:  # cosine annealing per epoch (Loshchilov & Hutter 2017)
            group["lr"] = cfg["lr"] * 0.5 * (1 + math.cos(math.pi * epoch / epochs))
        loss_sum, adv_sum, preds = 0.0, 0.0, []
        order = rng.permutation(len(seqs))
        for at in range(0, len(seqs), COMMON["batch_size"]):
            rows = torch.from_numpy(order[at:at + COMMON["batch_size"]])
            x = pad_sequence([xs[i] for i in rows], batch_first=True)
            lengths = lens[rows]
            mask = (torch.arange(x.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)).float()
            y = ys[rows]
            logits = net(x, lengths, mask, True)
            clean = F.cross_entropy(logits, y)
            loss = clean
            if adversarial:
                adv = F.cross_entropy(net(pgd(x, lengths, mask, y), lengths, mask, True), y)
                adv_sum += adv.item() * len(rows)
                loss = clean * (1 - ratio) + adv * ratio
            if not math.isfinite(loss.item()):
                raise RuntimeError(f"non-finite loss in epoch {epoch + 1}")
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), COMMON["clip_grad_norm"])
            opt.step()
            loss_sum += clean.item() * len(rows)
            preds.append(logits.argmax(1))
        # Train accuracy, as ser_rs's history computes it (cheap, but part of an epoch).
        _ = (torch.cat(preds).numpy() == codes[order]).mean()
        seconds.append(time.perf_counter() - start)
        losses.append(loss_sum / len(seqs))
    return seconds, losses, sorted(tuple(p.shape) for p in net.parameters())


# -- ser_rs ----------------------------------------------------------------------------------------


def ours_fit(seqs: list, labels: list, cfg: dict, epochs: int, threads: int, adversarial: bool) -> tuple:
    """Seconds per epoch from ``history_``, the whole ``fit`` call's wall time, the classifier."""
    import ser_rs

    extra = {"adversarial": "pgd", **PGD} if adversarial else {"adversarial": None}
    clf = ser_rs.EmotionClassifier(model="rnn", epochs=epochs, patience=None, n_threads=threads, seed=0, cell="lstm",
                                   bidirectional=COMMON["bidirectional"], batch_size=COMMON["batch_size"], weight_decay=COMMON["weight_decay"],
                                   optimizer="adamw", schedule="cosine", clip_grad_norm=COMMON["clip_grad_norm"], **cfg, **extra)
    start, cpu = time.perf_counter(), time.process_time()
    clf.fit(seqs, labels)
    wall = time.perf_counter() - start
    clf.cpu_seconds_ = time.process_time() - cpu
    if "seconds" in clf.history_.columns:
        return [float(s) for s in clf.history_["seconds"]], wall, clf
    return [wall / epochs] * epochs, wall, clf


def weight_shapes(clf) -> list:
    """Shapes of a fitted classifier's variables, from its safetensors header (an 8-byte
    little-endian length, then JSON: https://github.com/huggingface/safetensors#format)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        clf.save(Path(tmp) / "model")
        raw = (Path(tmp) / "model" / "weights.safetensors").read_bytes()
    header = json.loads(raw[8:8 + int.from_bytes(raw[:8], "little")])
    return sorted(tuple(v["shape"]) for k, v in header.items() if k != "__metadata__")


def standardise(seqs: list) -> list:
    """What ser_rs's scaler does (data.rs): population mean/std of all training frames, a
    constant feature divided by 1."""
    import ser_rs.model

    mean, std = ser_rs.model.column_stats(np.concatenate(seqs))
    std = np.where(std > 1e-8, std, 1.0)
    return [np.ascontiguousarray((s - mean) / std, dtype=np.float32) for s in seqs]


def steady(seconds: list) -> list:
    return seconds[1:] if len(seconds) > 1 else seconds


def bench_case(seqs, labels, codes, n_classes, name, cfg, epochs, threads, adversarial, repeats) -> dict:
    # Untimed warm-up of both sides (lazy imports and first-call set-up of torch.optim, autograd).
    ours_fit(seqs[:32], labels[:32], cfg, 1, threads, adversarial)
    torch_fit(seqs[:32], codes[:32], n_classes, cfg, 1, threads, adversarial)
    ours, theirs, walls, losses = [], [], [], {"ser_rs": [], "torch": []}
    cpu = {"ser_rs": [], "torch": []}
    shapes = {}
    for r in range(repeats):
        # ABBA: alternating who goes first spreads drift in the machine's load over both sides.
        order = ("ours", "torch") if r % 2 == 0 else ("torch", "ours")
        for side in order:
            if side == "ours":
                s, wall, clf = ours_fit(seqs, labels, cfg, epochs, threads, adversarial)
                ours += steady(s)
                walls.append(wall / epochs)
                losses["ser_rs"].append([float(v) for v in clf.history_["train_loss"]])
                shapes["ser_rs"] = weight_shapes(clf)
                cpu["ser_rs"].append(clf.cpu_seconds_)
            else:
                start = time.process_time()
                s, loss, shapes["torch"] = torch_fit(seqs, codes, n_classes, cfg, epochs, threads, adversarial)
                cpu["torch"].append(time.process_time() - start)
                theirs += steady(s)
                losses["torch"].append(loss)
    # The replica is only a fair opponent if it is the same network: same variables, same shapes.
    if shapes["ser_rs"] != shapes["torch"]:
        raise RuntimeError(f"{name}: the PyTorch replica's parameters {shapes['torch']} differ from ser_rs's {shapes['ser_rs']}")
    row = {"config": name, **cfg, "adversarial": "pgd-3" if adversarial else None, "threads": threads, "epochs": epochs,
           "repeats": repeats, "ser_rs_epoch_s": statistics.median(ours), "torch_epoch_s": statistics.median(theirs),
           "ser_rs_epochs_s": ours, "torch_epochs_s": theirs, "ser_rs_fit_wall_per_epoch_s": statistics.median(walls),
           "parameters": int(sum(np.prod(shape) for shape in shapes["torch"])), "train_loss": losses}
    row["ratio"] = row["ser_rs_epoch_s"] / row["torch_epoch_s"]
    row["ratio_best"] = min(ours) / min(theirs)
    # Process CPU time of whole fits (setup and warm-up epoch included, on both sides): time the
    # other workers of a shared machine take is not counted, so it is the steadier figure.
    row["cpu_s_per_fit"] = cpu
    row["ratio_cpu"] = statistics.median(cpu["ser_rs"]) / statistics.median(cpu["torch"])
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=480, help="files of ravdess-16k, in manifest order (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=4, help="epochs per run; the first is dropped (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each side per case (default: %(default)s)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1], help="libtorch thread counts (default: 1)")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS), help="architectures (default: all)")
    parser.add_argument("--pgd", action="store_true", help="also PGD-3 adversarial training of the command's configuration")
    parser.add_argument("--quick", action="store_true", help="96 files, 2 epochs, 1 repeat (a smoke run, not for the README)")
    args = parser.parse_args()
    if args.quick:
        args.files, args.epochs, args.repeats = 96, 2, 1
    if args.files < 32 or args.epochs < 2 or args.repeats < 1:
        parser.error("--files must be >= 32, --epochs >= 2 (the first is warm-up) and --repeats >= 1")
    if not (DATA / "manifest.csv").is_file():
        print(f"error: the RAVDESS data is not at {DATA}", file=sys.stderr)
        return 1
    import torch

    import ser_rs.model

    OUT.mkdir(exist_ok=True)
    results = {"machine": machine(), "command": " ".join([Path(sys.executable).name, *sys.argv]), "settings": {**COMMON, "pgd": PGD}}
    print("machine:", results["machine"])
    paths, labels = corpus(args.files)

    # 1. Features of each pipeline; the first call is timed too (it is what a user pays), then
    # best and median.
    from ser_rs.cli import FRAME_FEATURES

    extraction, sequences = {}, {}
    for name in dict.fromkeys(CONFIGS[c]["features"] for c in args.configs):
        features = None if name is None else FRAME_FEATURES[name]
        row = {"files": len(paths), "emotions": len(set(labels))}
        for jobs, key in ((None, "all_cores"), (1, "one_core")):
            times = []
            for _ in range(3 if not args.quick else 1):
                start = time.perf_counter()
                seqs = ser_rs.model.extract_sequences(paths, features, n_jobs=jobs)
                times.append(time.perf_counter() - start)
            row[key] = {"best_s": min(times), "median_s": statistics.median(times)}
        frames = [len(s) for s in seqs]
        row.update(frames_median=statistics.median(frames), frames_max=max(frames), n_features=seqs[0].shape[1])
        label = name or "DEFAULT_FEATURES"
        extraction[label], sequences[name] = row, seqs
        print(f"features {label}: {len(paths)} files ({row['emotions']} emotions, {row['frames_median']:.0f} frames median, "
              f"{row['n_features']} values a frame): {row['all_cores']['median_s']:.2f} s on every core, {row['one_core']['median_s']:.2f} s on one")
    results["extraction"] = extraction

    # 2. Training.
    classes, codes = np.unique(labels, return_inverse=True)
    cases = [(name, t, False) for t in args.threads for name in args.configs]
    if args.pgd:
        cases += [("command", t, True) for t in args.threads]
    rows = []
    for name, threads, adversarial in cases:
        cfg, features = CONFIGS[name]["net"], CONFIGS[name]["features"]
        seqs = sequences.get(features)
        if seqs is None:
            raise SystemExit("--pgd trains the command's configuration: include it in --configs")
        row = bench_case(seqs, labels, codes, len(classes), name, cfg, args.epochs, threads, adversarial, args.repeats)
        row["features"] = features or "DEFAULT_FEATURES"
        row["epochs_per_extraction_one_core"] = extraction[row["features"]]["one_core"]["median_s"] / row["ser_rs_epoch_s"]
        rows.append(row)
        print(f"  {name:8s} {row['adversarial'] or 'clean':6s} T={threads}: ser_rs {row['ser_rs_epoch_s']:.2f} s/epoch, "
              f"torch {row['torch_epoch_s']:.2f} s/epoch, ratio {row['ratio']:.3f} ({row['parameters']} parameters each; "
              f"last-epoch train loss ser_rs {row['train_loss']['ser_rs'][0][-1]:.3f}, torch {row['train_loss']['torch'][0][-1]:.3f})", flush=True)
    results["training"] = rows
    results["machine"]["load_avg_at_end"] = os.getloadavg()
    torch.set_num_threads(1)

    print()
    print(f"{'config':9s} {'arch':22s} {'training':8s} {'T':>2s} {'ser_rs s/ep':>11s} {'torch s/ep':>10s} {'ratio':>6s} "
          f"{'best-ratio':>10s} {'cpu-ratio':>9s} {'extract/epoch':>13s}")
    for r in rows:
        arch = f"biLSTM {r['hidden_size']} x{r['num_layers']} {r['pooling'][:4]}"
        ext = r["epochs_per_extraction_one_core"]
        print(f"{r['config']:9s} {arch:22s} {r['adversarial'] or 'clean':8s} {r['threads']:2d} {r['ser_rs_epoch_s']:11.2f} "
              f"{r['torch_epoch_s']:10.2f} {r['ratio']:6.3f} {r['ratio_best']:10.3f} {r['ratio_cpu']:9.3f} {ext:13.2f}")
    print(f"ratio = median ser_rs / median PyTorch seconds per epoch ({args.repeats} repeats x {args.epochs - 1} epochs each, "
          f"first epoch dropped); best-ratio = fastest over fastest; cpu-ratio = median process CPU seconds of whole fits; extract/epoch = one-core extraction of the "
          f"{len(paths)} files (that configuration's features) over one ser_rs epoch (< 1: features are not the bottleneck)")
    (OUT / "train.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {OUT / 'train.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
