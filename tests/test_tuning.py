"""The hyperparameter search (ser_rs.tuning, ``ser-rs tune``) on a tiny synthetic corpus: trials on
speaker folds of the search speakers only, resumable storage, the report, and the bad inputs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("optuna")

import ser_rs  # noqa: E402
from ser_rs.cli import main  # noqa: E402
from ser_rs.exceptions import FileAccessError, InputTypeError, ParameterError  # noqa: E402
from ser_rs.model import CLASSIFIER_SEARCH_SPACE, SearchRange  # noqa: E402
from ser_rs.tuning import min_speakers, open_study, tune, write_tuning_report  # noqa: E402

#: Tiny, fast trials: a small MFCC front end, one short epoch of a small network.
FEATURES = {"feature": "mfcc", "sr": 16000, "n_mfcc": 13, "n_fft": 512, "hop_length": 256}
FAST = {"features": FEATURES, "epochs": 2, "batch_size": 16, "progress": False, "space": ["lr", "dropout"]}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    return ser_rs.datasets.make_demo_corpus(folder, n_speakers=5, n_per_emotion=1, emotions=["angry", "sad", "neutral"], seed=1)


def test_trials_never_see_the_test_speakers(corpus, tmp_path, monkeypatch):
    import ser_rs.tuning as tuning

    seen = []
    real = tuning._fit_score

    def spy(params, seqs, y, speakers, train, test):
        seen.append((set(speakers[train]), set(speakers[test])))
        return real(params, seqs, y, speakers, train, test)

    monkeypatch.setattr(tuning, "_fit_score", spy)
    result = tune(corpus, n_trials=2, storage=tmp_path / "study.db", search_folds=2, test_fraction=0.2, seed=0, **FAST)
    test_speakers = set(result.settings["test_speakers"])
    assert len(test_speakers) == 1 and test_speakers.isdisjoint(result.settings["search_speakers"])
    *search_calls, final = seen
    assert len(search_calls) == 2 * 2  # 2 trials x 2 folds, none pruned before the pruner's startup trials
    for train, test in search_calls:
        assert not (train | test) & test_speakers and not train & test
    assert final == (set(result.settings["search_speakers"]), test_speakers)  # the one look at the test speakers
    assert 0 <= result.test_scores["uar"] <= 1 and result.test_scores["speakers"] == sorted(test_speakers)
    assert set(result.best_params) >= {"lr", "dropout", "epochs", "features"} and "patience" not in result.best_params
    assert list(result.trials.state) == ["COMPLETE", "COMPLETE"]


def test_a_stored_study_resumes_up_to_the_total(corpus, tmp_path):
    storage = tmp_path / "study.db"
    tune(corpus, n_trials=1, storage=storage, search_folds=2, **FAST)
    result = tune(corpus, n_trials=2, storage=storage, search_folds=2, **FAST)
    assert len(result.trials) == 2
    again = tune(corpus, n_trials=2, storage=storage, search_folds=2, **FAST)  # already there: nothing runs
    assert len(again.trials) == 2
    with pytest.raises(ParameterError, match="other settings"):
        tune(corpus, n_trials=3, storage=storage, search_folds=3, **FAST)


def test_the_pruner_stops_trials_in_the_bottom_quarter(corpus, monkeypatch):
    import ser_rs.tuning as tuning

    # The first three trials (six folds) predict perfectly, every later one wrongly: each later
    # trial falls into the bottom quarter after its first fold.
    calls = {"n": 0}

    def scripted(params, seqs, y, speakers, train, test):
        calls["n"] += 1
        return None, (y[test] if calls["n"] <= 6 else np.array(["__wrong__"] * len(test), dtype=object))

    monkeypatch.setattr(tuning, "_fit_score", scripted)
    result = tune(corpus, n_trials=5, search_folds=2, test_fraction=0, **FAST)
    assert list(result.trials.state[:3]) == ["COMPLETE"] * 3
    assert set(result.trials.state[3:]) == {"PRUNED"}
    assert result.test_scores is None and result.best_value == 1.0


def test_a_trial_below_the_median_but_above_the_bottom_quarter_goes_on(corpus, monkeypatch):
    import ser_rs.tuning as tuning

    # Fold scores by call: three trials complete at 0.2, 0.6 and 1.0; the fourth starts at 0.5
    # (below their median 0.6, above their 25th percentile 0.4) and completes; the fifth starts
    # at 0.3, below the four completed trials' 25th percentile (0.425), and stops.
    scores = iter([0.2, 0.2, 0.6, 0.6, 1.0, 1.0, 0.5, 0.5, 0.3])
    monkeypatch.setattr(tuning, "_fit_score", lambda *args: (None, None))
    monkeypatch.setattr(tuning.metrics, "balanced_accuracy_score", lambda y, p: next(scores))
    result = tune(corpus, n_trials=5, search_folds=2, test_fraction=0, **FAST)
    assert list(result.trials.state) == ["COMPLETE"] * 4 + ["PRUNED"]
    assert result.trials.fold_uar.tolist()[3:] == ["0.5000 0.5000", "0.3000"]


def test_the_report_is_written_whole(corpus, tmp_path):
    result = tune(corpus, n_trials=2, search_folds=2, **FAST)
    paths = write_tuning_report(result, tmp_path / "out")
    names = sorted(Path(p).name for p in paths.values())
    assert {"trials.csv", "best_params.json", "report.txt", "report.json", "optimization_history.png", "param_slices.png"} <= set(names)
    best = json.loads((tmp_path / "out" / "best_params.json").read_text())
    assert best["params"]["lr"] == result.best_params["lr"] and best["tuned"] == ["lr", "dropout"]
    text = (tmp_path / "out" / "report.txt").read_text()
    assert "Nothing was tuned on them" in text and result.settings["test_speakers"][0] in text
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".tuning-")]


def test_a_failing_report_leaves_nothing_half_written(corpus, tmp_path, monkeypatch):
    from ser_rs import plots

    result = tune(corpus, n_trials=1, search_folds=2, **FAST)
    out = tmp_path / "out"
    out.mkdir()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(plots, "tuning_plots", broken)
    with pytest.raises(OSError, match="disk full"):
        write_tuning_report(result, out)
    assert list(out.iterdir()) == []


def test_the_search_space_is_declared_once_and_checked():
    assert CLASSIFIER_SEARCH_SPACE["lr"].log and CLASSIFIER_SEARCH_SPACE["hidden_size"].choices
    assert set(CLASSIFIER_SEARCH_SPACE) <= set(ser_rs.model.CLASSIFIER_DEFAULTS)
    assert min_speakers(3, 0.2) == 4 and min_speakers(2, 0) == 2


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_trials": 0}, ParameterError, "at least one trial"),
    ({"n_trials": -3}, ParameterError, "at least one trial"),
    ({"n_trials": 2.5}, InputTypeError, "integer"),
    ({"n_trials": 1, "search_folds": 1}, ParameterError, "at least 2 folds"),
    ({"n_trials": 1, "test_fraction": 1.5}, ParameterError, r"\[0, 1\)"),
    ({"n_trials": 1, "space": ["learning_rate"]}, ParameterError, "no default range"),
    ({"n_trials": 1, "space": {"lr": (1e-4, 1e-2)}}, InputTypeError, "SearchRange"),
    ({"n_trials": 1, "space": {"lr": SearchRange(1e-2, 1e-4)}}, ParameterError, "low <= high"),
    ({"n_trials": 1, "test_speakers": ["nobody"]}, ParameterError, "not speakers"),
])
def test_absurd_settings_are_refused_before_any_training(corpus, kwargs, error, match):
    with pytest.raises(error, match=match):
        tune(corpus, **{**FAST, **kwargs})


def test_a_corpus_with_one_speaker_says_how_many_are_needed(corpus):
    one = corpus[corpus.speaker == corpus.speaker.iloc[0]]
    with pytest.raises(ParameterError, match="1 speaker.*at least 4"):
        tune(one, n_trials=1, **FAST)


def test_a_corrupt_storage_is_named_and_left_untouched(corpus, tmp_path):
    storage = tmp_path / "study.db"
    junk = np.random.default_rng(0).bytes(4096)
    storage.write_bytes(junk)
    with pytest.raises(FileAccessError, match="study.db is not an SQLite database"):
        tune(corpus, n_trials=1, storage=storage, **FAST)
    assert storage.read_bytes() == junk


def test_a_locked_storage_is_reported_not_waited_on(corpus, tmp_path):
    storage = tmp_path / "study.db"
    open_study(storage, "ser_rs")  # a real study file
    holder = sqlite3.connect(storage)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(FileAccessError, match="locked by another process"):
            tune(corpus, n_trials=1, storage=storage, timeout=0.2, **FAST)
    finally:
        holder.rollback()
        holder.close()


def test_the_command_tunes_and_train_reads_the_best_settings(corpus, tmp_path, capsys):
    data = Path(corpus.path.iloc[0]).parents[1]
    out = tmp_path / "tuning"
    common = ["--features", "mfcc", "--epochs", "1", "--adversarial", "none", "--no-progress", "--n-jobs", "1",
              "--space", "lr,hidden_size,num_layers,epsilon"]
    assert main(["tune", str(data), "--trials", "2", "--search-folds", "2", "-o", str(out), *common]) == 0
    assert json.loads((out / "best_params.json").read_text())["tuned"] == ["lr", "hidden_size", "num_layers"]  # no epsilon without adversarial
    assert (out / "study.db").is_file() and (out / "best_params.json").is_file() and (out / "optimization_history.png").is_file()
    best = json.loads((out / "best_params.json").read_text())["params"]
    assert "ser-rs train" in capsys.readouterr().out
    model = tmp_path / "model"
    assert main(["train", str(data), "--params", str(out / "best_params.json"), "--dropout", "0.1", "-o", str(model), "--no-progress"]) == 0
    saved = ser_rs.EmotionClassifier.load(model)
    assert saved.hidden_size == best["hidden_size"] and saved.lr == pytest.approx(best["lr"]) and saved.num_layers == best["num_layers"]
    assert saved.dropout == 0.1  # given on the command line: wins over the file
    assert saved.epochs == 1 and saved.adversarial is None


def test_the_command_refuses_an_unknown_setting_to_search(corpus, tmp_path, capsys):
    data = Path(corpus.path.iloc[0]).parents[1]
    assert main(["tune", str(data), "--trials", "1", "--space", "lr,learning_rate", "-o", str(tmp_path / "t")]) == 2
    assert "name settings among lr," in capsys.readouterr().err


def test_an_option_given_fixes_its_setting_and_contradicting_space_is_refused(corpus, tmp_path, capsys):
    data = Path(corpus.path.iloc[0]).parents[1]
    out = tmp_path / "fixed"
    common = ["--features", "mfcc", "--epochs", "1", "--adversarial", "none", "--no-progress", "--n-jobs", "1", "--search-folds", "2"]
    assert main(["tune", str(data), "--trials", "1", "--hidden-size", "8", "-o", str(out), *common]) == 0
    best = json.loads((out / "best_params.json").read_text())
    assert "hidden_size" not in best["tuned"] and best["params"]["hidden_size"] == 8
    assert "hidden_size is fixed by its option" in capsys.readouterr().out
    assert main(["tune", str(data), "--trials", "1", "--layers", "2", "--space", "lr,num_layers", "-o", str(tmp_path / "t"), *common]) == 2
    assert "--layers fixes what --space searches" in capsys.readouterr().err and not (tmp_path / "t").exists()


@pytest.mark.parametrize("trials", ["0", "-2"])
def test_the_command_refuses_zero_trials(corpus, tmp_path, capsys, trials):
    data = Path(corpus.path.iloc[0]).parents[1]
    assert main(["tune", str(data), "--trials", trials, "-o", str(tmp_path / "t")]) == 2
    assert "at least one trial" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()


def test_the_command_on_one_speaker_says_how_many_are_needed_and_writes_nothing(corpus, tmp_path, capsys):
    one = corpus[corpus.speaker == corpus.speaker.iloc[0]]
    csv = tmp_path / "one.csv"
    one[["path", "emotion", "speaker"]].to_csv(csv, index=False)
    assert main(["tune", str(csv), "--trials", "3", "-o", str(tmp_path / "t"), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "has 1 speaker(s)" in err and "needs at least 4" in err
    assert not (tmp_path / "t").exists()


def test_the_command_names_a_corrupt_storage(corpus, tmp_path, capsys):
    data = Path(corpus.path.iloc[0]).parents[1]
    storage = tmp_path / "study.db"
    storage.write_bytes(b"not a database at all" * 10)
    assert main(["tune", str(data), "--trials", "1", "--storage", str(storage), "-o", str(tmp_path / "t"), "--no-progress"]) == 1
    assert "not an SQLite database" in capsys.readouterr().err
    assert not (tmp_path / "t" / "report.txt").exists()


def test_the_command_reports_a_locked_storage_and_leaves_no_report(corpus, tmp_path, capsys):
    data = Path(corpus.path.iloc[0]).parents[1]
    storage = tmp_path / "study.db"
    open_study(storage, "ser_rs")
    holder = sqlite3.connect(storage)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code = main(["tune", str(data), "--trials", "1", "--storage", str(storage), "-o", str(tmp_path / "t"), "--no-progress"])
    finally:
        holder.rollback()
        holder.close()
    assert code == 1
    assert "locked by another process" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()


def test_train_refuses_a_params_file_that_is_not_one(corpus, tmp_path, capsys):
    data = Path(corpus.path.iloc[0]).parents[1]
    bad = tmp_path / "best_params.json"
    bad.write_text("{not json")
    assert main(["train", str(data), "--params", str(bad), "-o", str(tmp_path / "m")]) == 2
    assert "not a best_params.json" in capsys.readouterr().err
