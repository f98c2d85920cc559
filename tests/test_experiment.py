"""The robustness targets of a cross-validation: where the standard model loses half its
accuracy, and what the adversarial model keeps there."""

from __future__ import annotations

import pandas as pd
import pytest

from ser_rs.experiment import ExperimentResult, robustness_targets


def result(curves: dict, files=(100, 300)) -> ExperimentResult:
    """Robustness rows for two folds with the same accuracy per model: {model: [(attack, eps, acc), ...]}."""
    rows = [{"fold": k, "model": model, "files": n, "attack": attack, "epsilon": eps, "snr_db": float("nan"), "accuracy": acc, "uar": acc}
            for k, n in enumerate(files, 1) for model, points in curves.items() for attack, eps, acc in points]
    rows += [{"fold": k, "model": model, "files": n, "attack": "noise", "epsilon": float("nan"), "snr_db": 0.0, "accuracy": 0.1, "uar": 0.1}
             for k, n in enumerate(files, 1) for model in curves]
    return ExperimentResult(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(rows), pd.DataFrame(), {})


def curve(clean, *pgd, grid=(0.05, 0.1, 0.2)):
    return [("clean", 0.0, clean)] + [("pgd-3", e, a) for e, a in zip(grid, pgd)] + [("fgsm", e, 0.0) for e in grid]


def test_the_halving_radius_is_interpolated_between_grid_points():
    t = robustness_targets(result({"standard": curve(0.6, 0.4, 0.2, 0.1), "adversarial": curve(0.7, 0.63, 0.49, 0.3)}))
    # Half of 0.6 is 0.3, halfway from 0.4 (eps 0.05) to 0.2 (eps 0.1).
    assert t["half_accuracy_epsilon"] == pytest.approx(0.075)
    assert t["adversarial_accuracy_at_epsilon"] == pytest.approx(0.56)
    assert t["adversarial_kept_share"] == pytest.approx(0.8)
    assert t["grid_epsilon"] == 0.1 and t["standard_accuracy_at_grid_epsilon"] == pytest.approx(0.2)
    assert t["adversarial_kept_share_at_grid_epsilon"] == pytest.approx(0.7)
    assert t["clean_cost_points"] == pytest.approx(-10.0)


def test_halving_before_the_first_grid_point_interpolates_from_the_clean_accuracy():
    t = robustness_targets(result({"standard": curve(0.6, 0.2, 0.1, 0.0), "adversarial": curve(0.5, 0.4, 0.3, 0.2)}))
    # From 0.6 at eps 0 to 0.2 at eps 0.05, half (0.3) is reached at 0.0375.
    assert t["half_accuracy_epsilon"] == pytest.approx(0.0375)
    assert t["adversarial_accuracy_at_epsilon"] == pytest.approx(0.425)
    assert t["clean_cost_points"] == pytest.approx(10.0)


def test_a_standard_model_that_never_halves_asks_for_a_wider_grid():
    t = robustness_targets(result({"standard": curve(0.6, 0.5, 0.45, 0.4), "adversarial": curve(0.6, 0.55, 0.5, 0.45)}))
    assert t["half_accuracy_epsilon"] is None and "widen epsilons" in t["note"]


def test_folds_are_weighted_by_their_files():
    rows = result({"standard": curve(0.6, 0.4, 0.2, 0.1), "adversarial": curve(0.7, 0.63, 0.49, 0.3)}).robustness
    rows.loc[(rows.fold == 1) & (rows.model == "adversarial") & (rows.attack == "clean"), "accuracy"] = 0.3
    t = robustness_targets(ExperimentResult(pd.DataFrame(), pd.DataFrame(), rows, pd.DataFrame(), {}))
    assert t["clean_accuracy"]["adversarial"] == pytest.approx((100 * 0.3 + 300 * 0.7) / 400)


def test_cross_validate_names_the_training_methods_it_takes():
    from ser_rs import ParameterError
    from ser_rs.experiment import cross_validate

    manifest = pd.DataFrame({"path": ["a.wav", "b.wav"], "emotion": ["angry", "sad"], "speaker": ["1", "2"]})
    with pytest.raises(ParameterError, match="adversarial='madry'.*'trades'"):
        cross_validate(manifest, adversarial="madry", progress=False)


# -- training augmentation --------------------------------------------------------------------

MFCC = {"feature": "mfcc", "sr": 16000, "n_mfcc": 13}


def voice(seed: int):
    import numpy as np

    rng = np.random.default_rng(seed)
    t = np.arange(16000) / 16000
    return (np.sin(2 * np.pi * 180 * t) + 0.3 * np.sin(2 * np.pi * 360 * t) + 0.01 * rng.standard_normal(16000)).astype("float32")


def test_augmented_copies_are_seeded_and_traced_to_their_source():
    import numpy as np

    from ser_rs.experiment import augmented_copies
    from ser_rs.model import extract_sequences

    signals = [voice(0), voice(1)]
    seqs, source, copy = augmented_copies(signals, MFCC, 2, seed=3)
    assert source.tolist() == [0, 1, 0, 1] and copy.tolist() == [1, 1, 2, 2]
    again, _, _ = augmented_copies(signals, MFCC, 2, seed=3)
    other, _, _ = augmented_copies(signals, MFCC, 2, seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(seqs, again))
    assert not all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(seqs, other))
    originals = extract_sequences([], MFCC, signals=signals)
    assert not any(a.shape == originals[i].shape and np.allclose(a, originals[i]) for a, i in zip(seqs, source))


def test_a_bad_signal_loses_its_copies_only_with_a_warning():
    import numpy as np

    from ser_rs.experiment import augmented_copies

    bad = [voice(0), np.full(16000, np.nan, np.float32), np.zeros(0, np.float32)]
    with pytest.warns(UserWarning) as caught:
        seqs, source, copy = augmented_copies(bad, MFCC, 1)
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 2
    assert "copy 1 of signal 1 was dropped: ParameterError" in messages[0] and "not finite" in messages[0]
    assert "copy 1 of signal 2 was dropped: ParameterError" in messages[1] and "empty" in messages[1]
    assert source.tolist() == [0] and copy.tolist() == [1] and len(seqs) == 1


@pytest.mark.parametrize("copies", [-1, 101, 1.5, True, "2"])
def test_absurd_copy_counts_are_named(copies):
    from ser_rs import ParameterError
    from ser_rs.experiment import augmented_copies

    with pytest.raises(ParameterError, match="augment_copies"):
        augmented_copies([voice(0)], MFCC, copies)


def test_an_augmentation_that_is_not_a_pipeline_is_a_type_error():
    from ser_rs.experiment import cross_validate

    manifest = pd.DataFrame({"path": ["a.wav", "b.wav"], "emotion": ["angry", "sad"], "speaker": ["1", "2"]})
    with pytest.raises(TypeError, match="ser_rs.effects.Compose"):
        cross_validate(manifest, augment_copies=1, augment=lambda y, sr: y, progress=False)


def test_cross_validate_trains_on_copies_of_training_speakers_only_each_a_speaker_of_its_own(tmp_path, monkeypatch):
    """Training sets grow by the copies, validation and test sets do not, and every copy of a
    speaker is standardised as a new speaker."""
    from ser_rs.datasets import make_demo_corpus
    from ser_rs.experiment import cross_validate
    from ser_rs.model import EmotionClassifier
    from ser_rs.datasets import SpeakerKFold

    manifest = make_demo_corpus(tmp_path, n_speakers=6, n_per_emotion=1, emotions=["angry", "sad"], seed=1)
    seen = []
    fit = EmotionClassifier.fit

    def spy(self, X, y, **kw):
        seen.append((len(X), len(kw.get("X_val") or []), sorted(set(kw["speakers"]))))
        return fit(self, X, y, **kw)

    monkeypatch.setattr(EmotionClassifier, "fit", spy)
    result = cross_validate(manifest, splitter=SpeakerKFold(3, seed=0), augment_copies=2, epochs=1, hidden_size=4, pgd_steps=1,
                            speaker_norm=True, features=MFCC, snr_db=(), epsilons=(0.1,), progress=False)
    assert result.settings["augment_copies"] == 2 and "PitchShift" in result.settings["augment"]
    assert len(seen) == 3 * 2  # folds x models
    for n_fit, n_val, speakers in seen:  # 2 test, 1 validation and 3 training speakers of 2 files each per fold
        assert (n_fit, n_val) == (3 * 2 * 3, 2)
        assert len(speakers) == 3 * 3 and sum("~copy" in s for s in speakers) == 3 * 2
    assert len(result.predictions) == len(manifest)


def test_copy_speaker_names_are_never_truncated_to_the_source_speaker(tmp_path):
    """A fixed-width string array of speaker ids must not clip 'A~copy1' back to 'A'."""
    import numpy as np
    import soundfile as sf

    from ser_rs.experiment import _with_augmented_copies

    path = tmp_path / "a.wav"
    sf.write(path, voice(0), 16000)
    X, y, speakers = _with_augmented_copies([str(path)], [np.zeros((3, 13), np.float32)], np.array(["sad"]), np.array(["A"]), MFCC, 1)
    assert len(X) == 2 and y.tolist() == ["sad", "sad"] and speakers.tolist() == ["A", "A~copy1"]


def test_a_model_without_early_stopping_trains_on_every_training_speaker(tmp_path, monkeypatch):
    """early_stopping=('standard',): the normal model holds a speaker out for validation, the
    adversarial one trains on all the fold's training speakers, with no validation set."""
    from ser_rs.datasets import SpeakerKFold, make_demo_corpus
    from ser_rs.experiment import cross_validate
    from ser_rs.model import EmotionClassifier

    manifest = make_demo_corpus(tmp_path, n_speakers=6, n_per_emotion=1, emotions=["angry", "sad"], seed=1)
    fitted = []
    fit = EmotionClassifier.fit

    def spy(self, X, y, X_val=None, **kw):
        fitted.append((self.adversarial, len(X), None if X_val is None else len(X_val), self.patience))
        return fit(self, X, y, X_val=X_val, **kw)

    monkeypatch.setattr(EmotionClassifier, "fit", spy)
    result = cross_validate(manifest, splitter=SpeakerKFold(3, seed=0), early_stopping=("standard",), epochs=2, hidden_size=4, pgd_steps=1,
                            features=MFCC, snr_db=(), epsilons=(0.1,), progress=False)
    # 4 training speakers of 2 files per fold: one speaker held out for the normal model only
    assert fitted == [(None, 6, 2, 10), ("pgd", 8, None, None)] * 3
    assert result.settings["early_stopping"] == ["standard"]


@pytest.mark.parametrize("option, value", [("early_stopping", ("robust",)), ("early_stopping", 5), ("early_stopping", ["standard", None]),
                                           ("validation_speakers", 0), ("validation_speakers", 1.5), ("validation_speakers", "2")])
def test_absurd_early_stopping_settings_are_refused(option, value):
    from ser_rs import ParameterError
    from ser_rs.experiment import cross_validate

    manifest = pd.DataFrame({"path": ["a.wav", "b.wav"], "emotion": ["angry", "sad"], "speaker": ["1", "2"]})
    with pytest.raises(ParameterError, match=option):
        cross_validate(manifest, progress=False, **{option: value})


def test_the_normally_trained_model_watches_the_clean_figure_of_an_adversarial_monitor(tmp_path, monkeypatch):
    """monitor='adv_uar' needs a perturbation: the adversarial model watches it, the normal model
    watches clean UAR instead of failing."""
    from ser_rs.datasets import SpeakerKFold, make_demo_corpus
    from ser_rs.experiment import cross_validate
    from ser_rs.model import EmotionClassifier

    manifest = make_demo_corpus(tmp_path, n_speakers=6, n_per_emotion=1, emotions=["angry", "sad"], seed=1)
    watched = []
    fit = EmotionClassifier.fit

    def spy(self, X, y, **kw):
        watched.append((self.adversarial, self.monitor))
        return fit(self, X, y, **kw)

    monkeypatch.setattr(EmotionClassifier, "fit", spy)
    result = cross_validate(manifest, splitter=SpeakerKFold(3, seed=0), monitor="adv_uar", epochs=2, hidden_size=4, pgd_steps=1,
                            features=MFCC, snr_db=(), epsilons=(0.1,), progress=False)
    assert watched == [(None, "uar"), ("pgd", "adv_uar")] * 3
    assert result.settings["classifier"]["monitor"] == "adv_uar"


# -- the SVM baseline on the networks' folds ------------------------------------------------------


def test_the_svm_baseline_is_scored_on_the_networks_folds_and_trained_on_the_other_speakers(tmp_path):
    """Beside a network, 'svm' is tested on the same speakers and files in every fold, and its
    predictions are those of svm_baseline fitted on every other speaker's files only; a file
    neither can read is skipped for both."""
    import numpy as np

    pytest.importorskip("sklearn")
    from ser_rs.datasets import SpeakerKFold, make_demo_corpus
    from ser_rs.experiment import BASELINE_FEATURES, cross_validate
    from ser_rs.sklearn import FeatureExtractor, svm_baseline

    manifest = make_demo_corpus(tmp_path, n_speakers=4, n_per_emotion=2, emotions=["angry", "sad", "neutral"], seed=1)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF....WAVEfmt nonsense")
    with_broken = pd.concat([manifest, pd.DataFrame({"path": [str(broken)], "emotion": ["sad"], "speaker": [1]})], ignore_index=True)
    result = cross_validate(with_broken, splitter=SpeakerKFold(2, seed=0), models=("standard", "svm"), epochs=1, hidden_size=4,
                            early_stopping=(), features=MFCC, snr_db=(10,), epsilons=(0.1,), progress=False)
    assert [p for p, _, _ in result.errors] == [str(broken)] and len(result.predictions) == len(manifest)
    folds = result.folds
    assert folds.model.tolist() == ["standard", "svm"] * 2 and pd.isna(folds.best_epoch.iloc[1])
    for _, fold in folds.groupby("fold"):
        assert fold.test_speakers.nunique() == 1 and fold.files.nunique() == 1
    predictions = result.predictions
    assert predictions.groupby("speaker")["fold"].nunique().eq(1).all() and predictions["fold"].nunique() == 2
    assert set(result.summary()["models"]) == {"standard", "svm"} and result.histories.model.unique().tolist() == ["standard"]
    svm_rows = result.robustness[result.robustness.model == "svm"]
    assert svm_rows.attack.tolist() == ["clean", "noise"] * 2

    X = np.nan_to_num(np.hstack([FeatureExtractor(name, sr=16000).fit_transform(manifest["path"].tolist()) for name in BASELINE_FEATURES]))
    y, speakers = manifest["emotion"].to_numpy(), manifest["speaker"].astype(str).to_numpy()
    rows = {p: i for i, p in enumerate(manifest["path"])}
    for k, fold in predictions.groupby("fold"):
        test = np.array([rows[p] for p in fold.path])
        train = np.flatnonzero(~np.isin(speakers, fold.speaker.unique()))
        assert len(train) + len(test) == len(manifest)
        expected = svm_baseline().fit(X[train], y[train]).predict(X[test])
        assert fold.pred_svm.tolist() == expected.tolist()


def test_the_svm_baseline_alone_trains_no_network_and_reports(tmp_path, monkeypatch):
    pytest.importorskip("sklearn")
    from ser_rs.datasets import SpeakerKFold, make_demo_corpus
    from ser_rs.experiment import cross_validate, write_report
    from ser_rs.model import EmotionClassifier

    def never(*args, **kwargs):
        raise AssertionError("a network was trained")

    monkeypatch.setattr(EmotionClassifier, "fit", never)
    manifest = make_demo_corpus(tmp_path / "c", n_speakers=3, n_per_emotion=1, emotions=["angry", "sad"], seed=1)
    result = cross_validate(manifest, splitter=SpeakerKFold(3, seed=0), models=["svm"], speaker_norm=True, snr_db=(), progress=False)
    assert result.settings["models"] == ["svm"] and "SVC" in result.settings["svm"] and len(result.histories) == 0
    assert result.summary()["targets"]["half_accuracy_epsilon"] is None
    paths = write_report(result, tmp_path / "out", plots=False)
    text = open(paths["text"]).read()
    assert "svm model: accuracy" in text and "standard model" not in text
    # A report folder that cannot be made is a typed error (also an OSError) naming it.
    (tmp_path / "a_file").write_text("")
    from ser_rs.exceptions import FileAccessError

    with pytest.raises(FileAccessError, match="a_file"):
        write_report(result, tmp_path / "a_file" / "out", plots=False)
    with pytest.raises(OSError):
        write_report(result, tmp_path / "a_file", plots=False)


@pytest.mark.parametrize("option, value", [("models", ("svm", "svm")), ("models", ("forest",)), ("models", ()), ("models", 3),
                                           ("baseline_features", "ser162"), ("baseline_features", ())])
def test_absurd_model_choices_are_refused(option, value):
    from ser_rs import ParameterError
    from ser_rs.experiment import cross_validate

    manifest = pd.DataFrame({"path": ["a.wav", "b.wav"], "emotion": ["angry", "sad"], "speaker": ["1", "2"]})
    extra = {} if option == "models" else {"models": ("svm",)}
    with pytest.raises(ParameterError, match=option):
        cross_validate(manifest, progress=False, **{option: value}, **extra)


# -- training in worker processes, and the final model --------------------------------------------


def test_worker_processes_give_the_results_of_one_process_and_the_final_model_predicts_files(tmp_path):
    """fit_jobs only changes where the networks train: every fit and attack is seeded, so the
    predictions, robustness rows and histories are those of one process. refit's model, trained
    beside them on every file, predicts files as a model fitted on the paths does."""
    import numpy as np

    from ser_rs.datasets import SpeakerKFold, make_demo_corpus
    from ser_rs.experiment import cross_validate
    from ser_rs.model import EmotionClassifier

    manifest = make_demo_corpus(tmp_path / "c", n_speakers=4, n_per_emotion=1, emotions=["angry", "sad"], seed=1)
    options = dict(splitter=SpeakerKFold(2, seed=0), epochs=2, hidden_size=4, pgd_steps=1, speaker_norm=True, features=MFCC, snr_db=(10,),
                   epsilons=(0.1,), refit="adversarial", progress=False)
    one, two = cross_validate(manifest, fit_jobs=1, **options), cross_validate(manifest, fit_jobs=2, **options)
    pd.testing.assert_frame_equal(one.predictions, two.predictions)
    pd.testing.assert_frame_equal(one.robustness, two.robustness)
    pd.testing.assert_frame_equal(one.histories.drop(columns="seconds"), two.histories.drop(columns="seconds"))
    assert one.folds.drop(columns="seconds").equals(two.folds.drop(columns="seconds"))
    paths, speakers = manifest["path"].tolist(), manifest["speaker"].astype(str).to_numpy()
    assert one.settings["refit"] == "adversarial" and one.model.adversarial == "pgd" and one.model.progress is False
    np.testing.assert_array_equal(one.model.predict_proba(paths, speakers=speakers), two.model.predict_proba(paths, speakers=speakers))
    own = EmotionClassifier(**one.model.get_params()).fit(paths, manifest["emotion"].to_numpy(), speakers=speakers)
    np.testing.assert_allclose(own.predict_proba(paths, speakers=speakers), one.model.predict_proba(paths, speakers=speakers), atol=1e-6)
    assert cross_validate(manifest, **{**options, "refit": None}).model is None


@pytest.mark.parametrize("option, value", [("fit_jobs", 0), ("fit_jobs", 1.5), ("fit_jobs", True), ("fit_jobs", "2"), ("fit_jobs", 65),
                                           ("refit", "svm"), ("refit", "robust")])
def test_absurd_worker_counts_and_refits_are_refused(option, value):
    from ser_rs import ParameterError
    from ser_rs.experiment import cross_validate

    manifest = pd.DataFrame({"path": ["a.wav", "b.wav"], "emotion": ["angry", "sad"], "speaker": ["1", "2"]})
    with pytest.raises(ParameterError, match=option):
        cross_validate(manifest, progress=False, **{option: value})
