"""EmotionClassifier: training learns, is reproducible, ignores padding, trains adversarially,
reports robustness, saves and loads safely, and refuses bad input with typed errors."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

import ser_rs
from ser_rs import EmotionClassifier, ParameterError
from conftest import data_folder

SMALL = dict(hidden_size=8, num_layers=1, channels=(8,), epochs=6, lr=0.02, patience=None, n_threads=1)


def toy(n=48, seed=0, n_features=4, shift=1.5):
    """Sequences of random length; the class shifts the mean of feature 0."""
    rng = np.random.default_rng(seed)
    labels = np.array(["angry", "calm", "sad"])[np.arange(n) % 3]
    X = []
    for k in np.arange(n) % 3:
        s = rng.normal(size=(int(rng.integers(3, 14)), n_features)).astype(np.float32)
        s[:, 0] += shift * k
        X.append(s)
    return X, labels


@pytest.fixture(scope="module")
def fitted():
    X, y = toy()
    return EmotionClassifier(**{**SMALL, "epochs": 12}).fit(X, y)


def test_training_learns_and_predicts_labels(fitted):
    X, y = toy(seed=1)
    assert fitted.classes_.tolist() == ["angry", "calm", "sad"]
    assert fitted.score(X, y) > 0.8
    p = fitted.predict_proba(X)
    assert p.shape == (len(X), 3) and p.dtype == np.float32
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    h = fitted.history_
    assert list(h.epoch) == list(range(1, 13))
    assert h.train_loss.iloc[-1] < h.train_loss.iloc[0]
    # Cosine schedule: from lr down towards 0.
    assert h.lr.iloc[0] == pytest.approx(0.02) and h.lr.iloc[-1] < 0.001


def test_same_seed_same_model_other_seed_other_model():
    X, y = toy()
    a = EmotionClassifier(**SMALL, seed=5).fit(X, y)
    b = EmotionClassifier(**SMALL, seed=5).fit(X, y)
    c = EmotionClassifier(**SMALL, seed=6).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    cols = [k for k in a.history_.columns if k != "seconds"]
    assert a.history_[cols].equals(b.history_[cols])
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


@pytest.mark.parametrize(
    "params",
    [
        dict(model="rnn", cell="gru", bidirectional=False, pooling="mean", num_layers=2),
        dict(model="rnn", cell="lstm", bidirectional=True, pooling="attention"),
        dict(model="cnn1d", pooling="mean"),
        dict(model="cnn2d", channels=(4, 4), kernel_size=3),
        dict(model="crnn", cell="gru", pooling="attention"),
        dict(model="rnn", cell="lstm", bidirectional=True, pooling="stats"),
    ],
)
def test_padding_never_changes_a_prediction(params):
    X, y = toy(n=18)
    clf = EmotionClassifier(**{**SMALL, "epochs": 1, **params}).fit(X, y)
    short, long = X[0][:4], np.vstack([X[1], X[2]])
    alone = clf.predict_proba([short])
    batched = clf.predict_proba([short, long])
    np.testing.assert_allclose(alone[0], batched[0], atol=1e-5)


def test_mlp_on_utterance_vectors():
    rng = np.random.default_rng(0)
    y = np.arange(60) % 2
    X = rng.normal(size=(60, 5)) + y[:, None]
    clf = EmotionClassifier("mlp", **{**SMALL, "epochs": 30}).fit(X, y)
    assert clf.score(X, y) > 0.8 and clf.classes_.tolist() == [0, 1]
    assert clf.n_features_in_ == 5


def test_early_stopping_keeps_the_best_epoch():
    X, y = toy(seed=2)
    Xv, yv = toy(n=24, seed=3)
    clf = EmotionClassifier(**{**SMALL, "epochs": 60, "patience": 3, "lr": 0.05, "schedule": None}).fit(X, y, X_val=Xv, y_val=yv)
    h = clf.history_
    assert clf.best_epoch_ == int(h.epoch[h.val_loss.idxmin()])
    assert len(h) == 60 or len(h) == clf.best_epoch_ + 3
    # The kept weights are the best epoch's: evaluating them reproduces its validation accuracy.
    assert clf.score(Xv, yv) == pytest.approx(h.val_accuracy[clf.best_epoch_ - 1])


def test_early_stopping_can_watch_uar():
    X, y = toy(seed=6)
    Xv, yv = toy(n=24, seed=7, shift=0.7)
    clf = EmotionClassifier(**{**SMALL, "epochs": 15, "patience": 4, "monitor": "uar"}).fit(X, y, X_val=Xv, y_val=yv)
    h = clf.history_
    assert clf.best_epoch_ == int(h.epoch[h.val_uar.idxmax()])
    with pytest.raises(ParameterError, match="monitor='f1'"):
        EmotionClassifier(**{**SMALL, "patience": 4, "monitor": "f1"}).fit(X, y, X_val=Xv, y_val=yv)


def test_validation_fraction_is_held_out_when_patience_is_set():
    X, y = toy()
    clf = EmotionClassifier(**{**SMALL, "patience": 5, "validation_fraction": 0.25}).fit(X, y)
    assert {"val_loss", "val_accuracy", "val_uar"} <= set(clf.history_.columns)
    with pytest.raises(ParameterError, match="validation_fraction"):
        EmotionClassifier(**{**SMALL, "patience": 5, "validation_fraction": 0.0}).fit(X, y)


@pytest.mark.parametrize("monitor, column, best", [("adv_loss", "val_adv_loss", "idxmin"), ("adv_uar", "val_adv_uar", "idxmax")])
def test_early_stopping_can_watch_the_perturbed_validation_set(monitor, column, best):
    X, y = toy(seed=6)
    Xv, yv = toy(n=24, seed=7, shift=0.7)
    clf = EmotionClassifier(**{**SMALL, "epochs": 12, "patience": 3, "monitor": monitor}, adversarial="pgd", epsilon=0.3,
                            pgd_steps=2).fit(X, y, X_val=Xv, y_val=yv)
    h = clf.history_
    assert h[column].notna().all()
    assert clf.best_epoch_ == int(h.epoch[getattr(h[column], best)()])


def test_weight_averaging_keeps_the_average_through_save_and_load(tmp_path):
    X, y = toy(seed=6)
    Xv, yv = toy(n=24, seed=7, shift=0.7)
    plain = EmotionClassifier(**SMALL).fit(X, y, X_val=Xv, y_val=yv)
    averaged = EmotionClassifier(**SMALL, ema_decay=0.9).fit(X, y, X_val=Xv, y_val=yv)
    # Averaging changes what is kept, not how it is trained.
    np.testing.assert_array_equal(plain.history_.train_loss, averaged.history_.train_loss)
    assert not np.allclose(plain.predict_proba(Xv), averaged.predict_proba(Xv))
    assert averaged.score(Xv, yv) == pytest.approx(averaged.history_.val_accuracy.iloc[-1])
    averaged.save(tmp_path / "m")
    loaded = EmotionClassifier.load(tmp_path / "m")
    assert loaded.get_params()["ema_decay"] == 0.9
    np.testing.assert_allclose(loaded.predict_proba(Xv), averaged.predict_proba(Xv), atol=1e-6)


@pytest.mark.parametrize("monitor", ["adv_loss", "adv_uar"])
def test_adversarial_monitors_need_a_perturbation(monitor):
    X, y = toy(n=24)
    with pytest.raises(ParameterError, match=f"monitor='adv_loss' and 'adv_uar'.*set adversarial"):
        EmotionClassifier(**{**SMALL, "patience": 3, "monitor": monitor}).fit(X, y, X_val=X, y_val=y)
    with pytest.raises(ParameterError, match="set adversarial"):
        EmotionClassifier(**{**SMALL, "patience": 3, "monitor": monitor}, adversarial="pgd", adv_ratio=0.0).fit(X, y, X_val=X, y_val=y)


@pytest.mark.parametrize("attack", ["fgsm", "pgd", "trades", "noise"])
def test_adversarial_training_records_perturbed_figures(attack):
    X, y = toy(n=24)
    clf = EmotionClassifier(**{**SMALL, "epochs": 2}, adversarial=attack, epsilon=0.2, pgd_steps=2).fit(X, y, X_val=X, y_val=y)
    h = clf.history_
    assert h.train_adv_loss.notna().all() and h.val_adv_uar.between(0, 1).all()


@pytest.mark.parametrize("method, settings", [("pgd", {"adv_ratio": 1.0}), ("trades", {"trades_beta": 1.0})])
def test_adversarial_training_resists_pgd_better(method, settings):
    X, y = toy(n=90, shift=2.0)
    Xt, yt = toy(n=60, seed=9, shift=2.0)
    common = {**SMALL, "epochs": 25, "model": "mlp", "num_layers": 1, "hidden_size": 16}
    plain = EmotionClassifier(**common).fit([s.mean(axis=0, keepdims=True) for s in X], y)
    robust = EmotionClassifier(**common, adversarial=method, epsilon=0.25, pgd_steps=3, **settings).fit([s.mean(axis=0, keepdims=True) for s in X], y)
    Xt = [s.mean(axis=0, keepdims=True) for s in Xt]
    a = plain.robustness(Xt, yt, attacks=("pgd",), epsilons=(0.25,), pgd_steps=5)
    b = robust.robustness(Xt, yt, attacks=("pgd",), epsilons=(0.25,), pgd_steps=5)
    assert a.attack.tolist() == ["clean", "pgd-5"]
    assert b.accuracy[1] > a.accuracy[1]


def test_trades_beta_is_checked():
    X, y = toy(n=24)
    with pytest.raises(ParameterError, match="trades_beta=-1"):
        EmotionClassifier(**SMALL, adversarial="trades", trades_beta=-1.0).fit(X, y)


def test_robustness_table_and_its_bad_input(fitted):
    X, y = toy(n=30, seed=4)
    t = fitted.robustness(X, y, attacks=("fgsm", "pgd", "noise"), epsilons=(0.1, 2.0))
    assert list(t.columns) == ["attack", "epsilon", "accuracy", "uar"]
    assert t.attack.tolist() == ["clean", "fgsm", "fgsm", "pgd-5", "pgd-5", "noise", "noise"]
    assert t.accuracy[0] == pytest.approx(fitted.score(X, y))
    pgd = t[t.attack == "pgd-5"].accuracy.tolist()
    assert pgd[1] < pgd[0] <= t.accuracy[0] + 1e-9
    # PGD (iterated, from a random start) is at least about as strong as FGSM at a large radius.
    assert pgd[1] <= t[t.attack == "fgsm"].accuracy.tolist()[1] + 0.1
    with pytest.raises(ParameterError, match="epsilon=-0.1"):
        fitted.robustness(X, y, epsilons=(-0.1,))
    with pytest.raises(ParameterError, match="attack"):
        fitted.robustness(X, y, attacks=("deepfool",))
    with pytest.raises(ParameterError, match="attack"):
        fitted.robustness(X, y, attacks=("trades",))
    with pytest.raises(ParameterError, match="unseen"):
        fitted.robustness(X, ["joy"] * len(X))


def test_save_load_round_trip(tmp_path, fitted):
    X, _ = toy(n=12, seed=5)
    folder = tmp_path / "clf"
    fitted.save(folder)
    assert sorted(os.listdir(folder)) == ["model.json", "weights.safetensors"]
    back = EmotionClassifier.load(folder)
    np.testing.assert_array_equal(back.predict_proba(X), fitted.predict_proba(X))
    assert back.classes_.tolist() == fitted.classes_.tolist()
    assert back.get_params() == {**fitted.get_params(), "channels": list(fitted.channels)}
    assert back.history_.val_loss.isna().all() if "val_loss" in back.history_ else True
    assert back.history_.train_loss.tolist() == fitted.history_.train_loss.tolist()
    # Saving again replaces the files atomically and leaves no temporary file behind.
    back.save(folder)
    assert sorted(os.listdir(folder)) == ["model.json", "weights.safetensors"]
    meta = json.loads((folder / "model.json").read_text())
    assert meta["format_version"] == 1 and len(meta["scaler"]["mean"]) == 4


def test_integer_labels_and_class_weight_dict_survive_saving(tmp_path):
    X, y = toy(n=24)
    codes = np.searchsorted(["angry", "calm", "sad"], y) * 10
    clf = EmotionClassifier(**{**SMALL, "epochs": 1}, class_weight={0: 2.0, 20: 0.5}).fit(X, codes)
    clf.save(tmp_path / "m")
    back = EmotionClassifier.load(tmp_path / "m")
    assert back.classes_.tolist() == [0, 10, 20] and back.class_weight == {0: 2.0, 20: 0.5}
    assert back.predict(X[:4]).tolist() == clf.predict(X[:4]).tolist()


def test_damaged_checkpoints_are_clear_errors(tmp_path, fitted):
    folder = tmp_path / "clf"
    fitted.save(folder)
    weights = (folder / "weights.safetensors").read_bytes()
    text = (folder / "model.json").read_text()

    (folder / "weights.safetensors").write_bytes(weights[: len(weights) // 3])
    with pytest.raises(ParameterError, match="truncated"):
        EmotionClassifier.load(folder)
    (folder / "weights.safetensors").write_bytes(weights)

    (folder / "model.json").write_text(text[:-20])
    with pytest.raises(ParameterError, match="not valid JSON"):
        EmotionClassifier.load(folder)
    (folder / "model.json").write_text(text.replace('"format_version": 1', '"format_version": 7'))
    with pytest.raises(ParameterError, match="version"):
        EmotionClassifier.load(folder)
    (folder / "model.json").write_text(text.replace('"hidden_size": 8', '"hidden_size": 6'))
    with pytest.raises(ParameterError, match="shape"):
        EmotionClassifier.load(folder)
    (folder / "model.json").write_text(text.replace('"bidirectional": true', '"bidirectional": false'))
    with pytest.raises(ParameterError, match="variables the model does not"):
        EmotionClassifier.load(folder)
    (folder / "model.json").write_text(text.replace('"scaler"', '"scalar"'))
    with pytest.raises(ParameterError, match="scaler"):
        EmotionClassifier.load(folder)
    os.remove(folder / "model.json")
    with pytest.raises(FileNotFoundError):
        EmotionClassifier.load(folder)
    with pytest.raises(FileNotFoundError):
        EmotionClassifier.load(tmp_path / "nothing-here")


def test_sklearn_parameter_protocol():
    clf = EmotionClassifier(hidden_size=16, adversarial="pgd")
    assert clf.get_params()["hidden_size"] == 16
    assert clf.set_params(epochs=3).epochs == 3
    with pytest.raises(ParameterError, match="no parameter"):
        clf.set_params(hiden_size=3)
    sklearn = pytest.importorskip("sklearn")
    from sklearn.base import clone

    twin = clone(clf)
    assert twin is not clf and twin.get_params() == clf.get_params()
    assert sklearn.__version__
    # Speaker-grouped cross-validation and a grid search run on variable-length sequences.
    from sklearn.base import is_classifier
    from sklearn.model_selection import GridSearchCV, GroupKFold, cross_val_score

    X, y = toy(n=36)
    speakers = (np.arange(36) // 3) % 6
    assert is_classifier(EmotionClassifier())
    scores = cross_val_score(EmotionClassifier(**SMALL), X, y, groups=speakers, cv=GroupKFold(3))
    assert scores.shape == (3,) and scores.mean() > 0.5
    search = GridSearchCV(EmotionClassifier(**SMALL), {"hidden_size": [4, 8]}, cv=GroupKFold(2)).fit(X, y, groups=speakers)
    assert search.best_params_["hidden_size"] in (4, 8)


def test_pickle_and_deepcopy_keep_the_fitted_model(fitted):
    """A fitted classifier travels through pickle and copy.deepcopy with identical predictions."""
    import copy
    import pickle

    X, _ = toy(n=12, seed=7)
    for twin in (pickle.loads(pickle.dumps(fitted)), copy.deepcopy(fitted)):
        assert twin is not fitted and twin._native is not fitted._native
        np.testing.assert_array_equal(twin.predict_proba(X), fitted.predict_proba(X))
        assert twin.classes_.tolist() == fitted.classes_.tolist() and twin.get_params() == fitted.get_params()
        assert twin.history_.equals(fitted.history_) and twin.best_epoch_ == fitted.best_epoch_
    unfitted = pickle.loads(pickle.dumps(EmotionClassifier(hidden_size=4)))
    assert unfitted.hidden_size == 4 and not hasattr(unfitted, "_native")


def test_a_fitted_pipeline_is_scored_in_worker_processes():
    """cross_val_score(..., n_jobs=2) pickles the fitted estimator it is given to send it to the workers."""
    pytest.importorskip("sklearn")
    from sklearn.model_selection import GroupKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    y = np.arange(24) % 2
    X = rng.normal(size=(24, 3)) + y[:, None]
    pipeline = make_pipeline(StandardScaler(), EmotionClassifier("mlp", **{**SMALL, "epochs": 3})).fit(X, y)
    scores = cross_val_score(pipeline, X, y, groups=np.arange(24) // 4, cv=GroupKFold(2), n_jobs=2)
    assert scores.shape == (2,) and np.all((0 <= scores) & (scores <= 1))


def test_use_before_fit_is_not_fitted_error():
    """ser_rs's NotFittedError is a ParameterError (a ValueError) and an AttributeError, and
    scikit-learn's NotFittedError where scikit-learn is installed."""
    from ser_rs.exceptions import NotFittedError

    X, y = toy(n=6)
    for use in (lambda c: c.predict(X), lambda c: c.predict_proba(X), lambda c: c.score(X, y), lambda c: c.robustness(X, y), lambda c: c.save("x")):
        with pytest.raises(NotFittedError, match="not fitted yet: call fit"):
            use(EmotionClassifier())
    assert issubclass(NotFittedError, ParameterError) and issubclass(NotFittedError, AttributeError)
    sklearn_exceptions = pytest.importorskip("sklearn.exceptions")
    from sklearn.utils.validation import check_is_fitted

    assert issubclass(NotFittedError, sklearn_exceptions.NotFittedError)
    with pytest.raises(sklearn_exceptions.NotFittedError):
        check_is_fitted(EmotionClassifier())


def test_nested_lists_sparse_matrices_and_frames_are_answered():
    X = np.array([[0.0, 1.0], [1.0, 0.0]] * 6)
    y = [0, 1] * 6
    clf = EmotionClassifier("mlp", **{**SMALL, "epochs": 1})
    with pytest.raises(TypeError, match=r"X is a list of lists: pass np.asarray\(X, dtype=np.float32\)"):
        clf.fit(X.tolist(), y)
    sparse = pytest.importorskip("scipy.sparse")
    for matrix in (sparse.csr_matrix(X), sparse.csr_array(X)):
        with pytest.raises(TypeError, match=r"sparse input is not supported: pass dense features, X.toarray\(\)"):
            clf.fit(matrix, y)
    frame = pd.DataFrame(X, columns=["a", "b"])
    np.testing.assert_array_equal(clf.fit(frame, y).predict_proba(frame), clf.predict_proba(X))


#: Every scikit-learn estimator check EmotionClassifier cannot pass, by name, with the reason.
CLASSIFIER_EXPECTED_FAILURES = {
    "check_classifiers_train": "a list of lists is refused with a TypeError saying to pass np.asarray(X) or a list of (frames, features) arrays",
}


def _sklearn_checks(test):
    """The estimator checks on a tiny, fast MLP, when scikit-learn is installed."""
    try:
        from sklearn.utils.estimator_checks import parametrize_with_checks
    except ImportError:
        return pytest.mark.skip(reason="scikit-learn is not installed")(test)
    tiny = EmotionClassifier("mlp", hidden_size=8, num_layers=1, epochs=3, lr=0.05, patience=None, n_threads=1)
    return parametrize_with_checks([tiny], expected_failed_checks=lambda est: CLASSIFIER_EXPECTED_FAILURES)(test)


@_sklearn_checks
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_progress_bar_runs():
    X, y = toy(n=12)
    clf = EmotionClassifier(**{**SMALL, "epochs": 1}, progress=True).fit(X, y)
    assert len(clf.history_) == 1


def test_bad_input_gives_typed_errors(fitted):
    X, y = toy(n=12)
    fit = lambda X=X, y=y, **kw: EmotionClassifier(**{**SMALL, "epochs": 1, **kw}).fit(X, y)
    with pytest.raises(ParameterError, match="12 samples but y has 11"):
        fit(y=y[:11])
    with pytest.raises(ParameterError, match="at least two"):
        fit(y=["calm"] * 12)
    bad = [s.copy() for s in X]
    bad[3][1, 2] = np.nan
    with pytest.raises(ParameterError, match=r"X\[3\] contains NaN"):
        fit(X=bad)
    with pytest.raises(ParameterError, match="empty"):
        fit(X=[], y=[])
    empty_seq = list(X)
    empty_seq[2] = np.zeros((0, 4), dtype=np.float32)
    with pytest.raises(ParameterError, match=r"X\[2\] has 0 frames"):
        fit(X=empty_seq)
    with pytest.raises(ParameterError, match="model='transformer'"):
        fit(model="transformer")
    with pytest.raises(ParameterError, match="lr=0"):
        fit(lr=0.0)
    with pytest.raises(ParameterError, match="lr=-1"):
        fit(lr=-1.0)
    with pytest.raises(ParameterError, match="epochs=0"):
        fit(epochs=0)
    with pytest.raises(ParameterError, match="epsilon=-0.5"):
        fit(adversarial="fgsm", epsilon=-0.5)
    with pytest.raises(ParameterError, match="kernel_size=4"):
        fit(model="cnn1d", kernel_size=4)
    with pytest.raises(ParameterError, match="dropout"):
        fit(dropout=1.5)
    with pytest.raises(ParameterError, match="ema_decay=1.*in \\(0, 1\\)"):
        fit(ema_decay=1.0)
    for name in ("lr", "dropout", "ema_decay"):
        with pytest.raises(ParameterError, match=f"{name}=nan must be a finite number"):
            fit(**{name: float("nan")})
    with pytest.raises(ParameterError, match="epsilon=inf must be a finite number"):
        fit(adversarial="pgd", epsilon=np.inf)
    with pytest.raises(TypeError, match="epochs must be an integer"):
        fit(epochs=2.5)
    with pytest.raises(TypeError, match=r"X\[0\] must hold real numbers"):
        fit(X=[s.astype(str) for s in X])
    with pytest.raises(ParameterError, match=r"X\[0\] must be 2-D"):
        fit(X=[s[:, 0] for s in X])
    with pytest.raises(ParameterError, match="class_weight has 2 weights for 3 classes"):
        fit(class_weight=[1.0, 2.0])
    if not ser_rs.model.backend_info()["cuda_available"]:
        with pytest.raises(ParameterError, match="no CUDA GPU"):
            fit(device="cuda")
    with pytest.raises(ParameterError, match="device='tpu'"):
        fit(device="tpu")
    with pytest.raises(ParameterError, match="not fitted"):
        EmotionClassifier().predict(X)
    with pytest.raises(ParameterError, match="fitted on 4"):
        fitted.predict([np.zeros((5, 3), dtype=np.float32)])
    with pytest.raises(ParameterError, match="fitted on feature arrays"):
        fitted.predict(["a.wav"])


def _ravdess(folder, emotions, actors):
    files = sorted(p for e in emotions for a in actors for p in folder.glob(f"Actor_{a:02d}/03-01-{e}-*.flac"))
    return [str(p) for p in files], [p.split("-")[2] for p in (os.path.basename(f) for f in files)]


def test_real_speech_slice_beats_chance(tmp_path):
    """Calm vs angry, speaker-independent: train on actors 1-8, test on actors 13-18, from paths."""
    folder = data_folder("ravdess-16k")
    train, y_train = _ravdess(folder, ("02", "05"), range(1, 9))
    test, y_test = _ravdess(folder, ("02", "05"), range(13, 19))
    clf = EmotionClassifier(hidden_size=32, num_layers=1, epochs=12, lr=3e-3, patience=None, n_threads=1, seed=0,
                            features={"feature": "mfcc", "sr": 16000, "n_mfcc": 20, "n_fft": 1024, "hop_length": 512})
    clf.fit(train, y_train)
    acc = clf.score(test, y_test)
    assert acc > 0.75, f"calm vs angry accuracy on unseen speakers {acc:.2f} (chance 0.5)"
    clf.save(tmp_path / "ravdess")
    back = EmotionClassifier.load(tmp_path / "ravdess")
    assert back.features_ == clf.features_
    assert back.predict(test[:8]).tolist() == clf.predict(test[:8]).tolist()
    table = back.noise_robustness(test[:16], y_test[:16], snr_db=(20, 0))
    assert table.snr_db.tolist()[1:] == [20.0, 0.0] and table.accuracy.between(0, 1).all()


def test_ctrl_c_stops_training(tmp_path):
    """SIGINT during fit raises KeyboardInterrupt promptly and leaves the process usable."""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "train_forever.py"
    script.write_text(
        "import numpy as np, ser_rs, sys\n"
        "X = [np.random.default_rng(i).normal(size=(50, 8)).astype(np.float32) for i in range(64)]\n"
        "clf = ser_rs.EmotionClassifier(epochs=100000, patience=None, hidden_size=16, num_layers=1, n_threads=1)\n"
        "ser_rs.model.backend_info()  # the trainer (and libtorch) load on first use: before the signal\n"
        "print('ready', flush=True)\n"
        "try:\n"
        "    clf.fit(X, [0, 1] * 32)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "    print(ser_rs.EmotionClassifier('mlp', epochs=1, patience=None).fit(np.eye(2), [0, 1]).predict(np.eye(2)).shape, flush=True)\n"
    )
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    assert child.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    start = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=120)
    assert child.returncode == 0 and out.split() == ["interrupted", "(2,)"]
    assert time.monotonic() - start < 10
