"""Each default lives in one place, and the places that share a default agree: the ``ser-rs``
command, ``experiment.cross_validate`` and ``EmotionClassifier`` (the command's deliberate
departures are listed, and only those), the Rust checkpoint's serde defaults, and the two
sampling rates (librosa's for the features, 16 kHz for the model's pipeline)."""

from __future__ import annotations

import inspect
import re

import pytest

from ser_rs import audio, batch, cli, feature, prosody
from ser_rs.experiment import cross_validate
from ser_rs.model import CLASSIFIER_DEFAULTS, DEFAULT_FEATURES, MODEL_SR, EmotionClassifier

from conftest import ROOT


def _default_of(func, name):
    return inspect.signature(func).parameters[name].default


def _command_classifier(command: str) -> dict:
    """The classifier parameters a bare ``ser-rs COMMAND`` builds (``cli._train``'s recipe)."""
    args = cli._parser().parse_args([command] if command == "demo" else [command, "corpus/"])
    return {"adversarial": cli._adversarial(args), "epsilon": args.epsilon, **cli._classifier_params(args)}


def test_classifier_defaults_are_read_from_its_signature():
    assert dict(CLASSIFIER_DEFAULTS) == {k: v.default for k, v in inspect.signature(EmotionClassifier).parameters.items()}
    assert EmotionClassifier().get_params() == dict(CLASSIFIER_DEFAULTS)
    with pytest.raises(TypeError):
        CLASSIFIER_DEFAULTS["epsilon"] = 1.0  # read-only: change the signature instead


@pytest.mark.parametrize("command", ["train", "evaluate", "demo"])
def test_the_command_uses_the_classifier_defaults_but_for_its_listed_departures(command):
    params = _command_classifier(command)
    for name, value in params.items():
        if name in ("progress", "features"):
            continue
        departures = {**cli.COMMAND_DEFAULTS, **(cli.DEMO_DEFAULTS if command == "demo" else {})}
        expected = departures.get(name, CLASSIFIER_DEFAULTS[name])
        assert value == expected, f"ser-rs {command}: {name}={value!r}, expected {expected!r}"
    # The command reads log-mel frames with utterance functionals; the classifier's default
    # pipeline (used by experiment too) is 40 MFCCs. Both analyse at the model's rate.
    expected = {**cli.FRAME_FEATURES["mel+functionals"], **({"hop_length": cli.DEMO_HOP_LENGTH} if command == "demo" else {})}
    assert params["features"] == expected != DEFAULT_FEATURES
    assert "n_threads" not in params, "without --n-threads the classifier's own default applies"


def test_each_listed_departure_really_departs():
    same = {k: v for k, v in cli.COMMAND_DEFAULTS.items() if v == CLASSIFIER_DEFAULTS[k]}
    assert not same, f"{same} equal the classifier's defaults: drop them from COMMAND_DEFAULTS"
    same = {k: v for k, v in cli.DEMO_DEFAULTS.items() if v == cli._default(k)}
    assert not same, f"{same} equal the command's defaults: drop them from DEMO_DEFAULTS"


def test_the_demo_s_smaller_corpus_and_grid_are_its_defaults():
    args = cli._parser().parse_args(["demo"])
    assert (args.speakers, args.per_emotion, args.folds) == tuple(cli.DEMO_CORPUS[k] for k in ("speakers", "per_emotion", "folds"))
    assert args.fit_jobs == cli.DEMO_FIT_JOBS
    assert args.hop_length == cli.DEMO_HOP_LENGTH != cli.FRAME_FEATURES["mel+functionals"]["hop_length"]
    assert set(cli.DEMO_EPSILONS) < set(cross_validate.__kwdefaults__["epsilons"])
    assert set(cli.DEMO_SNR_DB) < set(cross_validate.__kwdefaults__["snr_db"])


def test_epsilon_is_one_value_everywhere_and_the_one_the_results_report():
    epsilon = CLASSIFIER_DEFAULTS["epsilon"]
    assert _default_of(cross_validate, "epsilon") == epsilon
    assert _command_classifier("evaluate")["epsilon"] == epsilon
    results = (ROOT / "docs" / "results.md").read_text()
    section = results[results.index("## Results on RAVDESS"):]
    assert f"adversarial model: PGD-3 training at epsilon {epsilon:g};" in section


def test_the_command_trains_adversarially_as_the_evaluation_does():
    assert _command_classifier("train")["adversarial"] == _default_of(cross_validate, "adversarial")


def test_python_defaults_agree_with_the_rust_checkpoint_defaults():
    """Settings absent from an older checkpoint take the serde defaults of src/model/config.rs;
    a model built in Python gets the classifier's. They must be the same values."""
    rust = (ROOT / "src" / "model" / "config.rs").read_text()
    beta = re.search(r"fn default_beta\(\) -> f64 \{\s*([0-9.]+)\s*\}", rust)
    assert beta, "default_beta() not found in src/model/config.rs"
    assert float(beta.group(1)) == CLASSIFIER_DEFAULTS["trades_beta"]
    ema = re.search(r"#\[serde\(default\)\]\s*pub ema_decay: Option<f64>", rust)
    assert ema and CLASSIFIER_DEFAULTS["ema_decay"] is None  # Option's default is None


def test_features_keep_librosa_s_rate_and_the_model_path_its_own():
    librosa = pytest.importorskip("librosa")
    assert audio.LIBROSA_SR == _default_of(librosa.load, "sr") == _default_of(librosa.feature.mfcc, "sr")
    for func in (audio.load, batch.extract, feature.mfcc, feature.melspectrogram, feature.ser162, prosody.yin, prosody.pyin):
        assert _default_of(func, "sr") == audio.LIBROSA_SR, func.__name__
    assert cli._parser().parse_args(["features"]).sr == audio.LIBROSA_SR
    assert MODEL_SR != audio.LIBROSA_SR
    assert DEFAULT_FEATURES["sr"] == MODEL_SR
    assert {f["sr"] for f in cli.FRAME_FEATURES.values()} == {MODEL_SR}


@pytest.mark.parametrize("name", [n for n in __import__("ser_rs").FEATURES])
def test_feature_function_defaults_equal_the_rust_config_defaults(name, ravdess16k):
    """A feature's Python signature and ``FeatureConfig::new`` in Rust both hold librosa's
    defaults; computing with no settings at all (Rust's) and through the Python function with
    none given (its signature's) must agree, so a default changed on one side only shows here."""
    import numpy as np

    from ser_rs import _native

    y, sr = audio.load(next(ravdess16k.glob("Actor_01/*.flac")), sr=None)
    function = getattr(feature, name)
    kwargs = {"sr": sr} if "sr" in inspect.signature(function).parameters else {}
    ours_python = np.asarray(function(y=y, **kwargs))
    rust_defaults = np.asarray(_native.compute_feature(name, y, None, float(sr), {}))
    np.testing.assert_array_equal(ours_python, rust_defaults)
