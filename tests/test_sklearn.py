"""ser_rs.sklearn: the FeatureExtractor transformer in scikit-learn's machinery (Pipeline,
ColumnTransformer, GridSearchCV by speaker, clone, pickle, its estimator checks), its answers to
bad input and bad files, and the SVM baseline."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import ser_rs  # noqa: E402
from ser_rs import ParameterError  # noqa: E402
from ser_rs.datasets import make_demo_corpus  # noqa: E402
from ser_rs.feature import DEFAULT_STATS, EGEMAPS_LIKE_COLUMNS, SER162_COLUMNS  # noqa: E402
from ser_rs.sklearn import FeatureExtractor, feature_columns, feature_matrix, svm_baseline  # noqa: E402

MFCC = dict(feature="mfcc", feature_params={"n_mfcc": 13}, stats=["mean", "std"])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Four synthetic speakers saying angry and sad twice: 16 files."""
    return make_demo_corpus(tmp_path_factory.mktemp("corpus"), n_speakers=4, n_per_emotion=2, emotions=["angry", "sad"], seed=2)


def signals(n=4, seed=0, lengths=(16000, 20000)):
    rng = np.random.default_rng(seed)
    return [(0.1 * rng.standard_normal(lengths[i % len(lengths)])).astype(np.float32) for i in range(n)]


# -- scikit-learn's own estimator checks ------------------------------------------------------------

# A row is a signal, and its length is not a feature count: a fitted extractor takes signals of any
# length, so the checks that want a fitted number of input features to be enforced cannot pass.
_LENGTH_IS_NOT_A_FEATURE_COUNT = "rows are signals; a fitted extractor takes signals of any length, so it has no n_features_in_ to enforce"

#: Every check FeatureExtractor cannot pass, by name, with the reason.
EXTRACTOR_EXPECTED_FAILURES = {
    "check_n_features_in": _LENGTH_IS_NOT_A_FEATURE_COUNT,
    "check_n_features_in_after_fitting": _LENGTH_IS_NOT_A_FEATURE_COUNT,
    "check_transformer_general": _LENGTH_IS_NOT_A_FEATURE_COUNT,
    "check_estimators_dtypes": "integer arrays are refused (TypeError): PCM must be scaled to float by the caller, e.g. x / 32768",
    "check_dtype_object": "a 2-D object array of numbers is refused: object arrays hold paths; signals come as float arrays",
    "check_transformer_data_not_an_array": "a list of lists is refused (TypeError saying to pass 1-D float arrays or a 2-D float array)",
}


def _extractor_for_checks():
    # The checks' signals are 2 to 10 samples long: RMS over 2-sample frames is defined on them.
    return FeatureExtractor("rms", feature_params={"frame_length": 2, "hop_length": 1}, stats=("mean", "std", "max"))


@parametrize_with_checks([_extractor_for_checks()], expected_failed_checks=lambda est: EXTRACTOR_EXPECTED_FAILURES)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# -- what it computes ---------------------------------------------------------------------------


def test_fixed_length_sets_equal_extract(corpus):
    paths = corpus["path"].tolist()[:3]
    for name, columns in (("ser162", SER162_COLUMNS), ("egemaps_like", EGEMAPS_LIKE_COLUMNS)):
        ex = FeatureExtractor(name, sr=16000)
        X = ex.fit_transform(paths)
        assert X.shape == (3, len(columns)) and X.dtype == np.float64
        assert ex.get_feature_names_out().tolist() == list(columns)
        np.testing.assert_array_equal(X, ser_rs.extract(paths, name, sr=16000).features)


def test_frame_level_features_are_summarised_by_functionals():
    sig = signals(3)
    ex = FeatureExtractor(**MFCC)
    X = ex.fit_transform(sig)
    assert X.shape == (3, 13 * 2)
    assert ex.get_feature_names_out()[:3].tolist() == ["mfcc_1_mean", "mfcc_1_std", "mfcc_2_mean"]
    expected = ser_rs.feature.functionals(ser_rs.feature.mfcc(y=sig[1], sr=16000, n_mfcc=13), stats=["mean", "std"])
    np.testing.assert_allclose(X[1], expected, rtol=1e-6)
    assert len(feature_columns("rms")) == len(DEFAULT_STATS) and feature_columns("rms", stats=["p50"]) == ["rms_p50"]


def test_melspectrogram_is_summarised_in_db_unless_told_otherwise():
    sig = signals(1)
    params = {"n_mels": 8}
    in_db = FeatureExtractor("melspectrogram", feature_params=params, stats=["mean"]).fit_transform(sig)
    power = FeatureExtractor("melspectrogram", feature_params={**params, "db": False}, stats=["mean"]).fit_transform(sig)
    S = ser_rs.feature.melspectrogram(y=sig[0], sr=16000, n_mels=8)
    np.testing.assert_allclose(power[0], S.mean(axis=1), rtol=1e-5)
    np.testing.assert_allclose(in_db[0], ser_rs.power_to_db(S).mean(axis=1), rtol=1e-5)


def test_a_2d_float_array_is_a_batch_of_signals_one_per_row():
    batch = np.stack(signals(3, lengths=(16000,)))
    ex = FeatureExtractor(**MFCC).fit(batch)
    np.testing.assert_array_equal(ex.transform(batch), ex.transform(list(batch)))


def test_paths_come_as_lists_arrays_series_or_one_column(corpus):
    paths = corpus["path"].tolist()[:2]
    ex = FeatureExtractor("ser162").fit(paths)
    expected = ex.transform(paths)
    for form in (np.array(paths), pd.Series(paths), np.array(paths, dtype=object)[:, None], corpus[["path"]].iloc[:2]):
        np.testing.assert_array_equal(ex.transform(form), expected)


# -- scikit-learn's machinery -----------------------------------------------------------------------


def test_clone_and_pickle_keep_parameters_and_output(corpus):
    ex = FeatureExtractor("egemaps_like", n_jobs=1, on_error="nan")
    twin = clone(ex)
    assert twin is not ex and twin.get_params() == ex.get_params()
    paths = corpus["path"].tolist()[:2]
    fitted = ex.fit(paths)
    back = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(back.transform(paths), fitted.transform(paths))


def test_grid_search_by_speaker_in_a_pipeline(corpus):
    """GroupKFold by speaker over a pipeline from paths, searching the extractor's parameters."""
    model = make_pipeline(FeatureExtractor("mfcc", stats=["mean", "std"], n_jobs=1), svm_baseline())
    X, y, speakers = corpus["path"].tolist(), corpus["emotion"].to_numpy(), corpus["speaker"].to_numpy()
    search = GridSearchCV(model, {"featureextractor__feature_params": [{"n_mfcc": 8}, {"n_mfcc": 13}]}, cv=GroupKFold(2))
    search.fit(X, y, groups=speakers)
    assert search.best_params_["featureextractor__feature_params"] in ({"n_mfcc": 8}, {"n_mfcc": 13})
    assert set(search.predict(X[:4])) <= {"angry", "sad"}
    scores = cross_val_score(model, X, y, groups=speakers, cv=GroupKFold(4))
    assert scores.shape == (4,) and np.all((0 <= scores) & (scores <= 1))


def test_column_transformer_reads_the_path_column(corpus):
    table = corpus[["path", "duration_s"]].iloc[:3]
    ct = ColumnTransformer([("audio", FeatureExtractor("rms", stats=["mean"]), ["path"]), ("meta", "passthrough", ["duration_s"])])
    out = ct.fit_transform(table)
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out[:, 1], table["duration_s"])
    assert ct.get_feature_names_out().tolist() == ["audio__rms_mean", "meta__duration_s"]


def test_pandas_output_names_the_columns():
    ex = FeatureExtractor("rms", stats=["mean", "max"]).set_output(transform="pandas")
    df = ex.fit_transform(signals(2))
    assert list(df.columns) == ["rms_mean", "rms_max"] and len(df) == 2


# -- bad input and bad files --------------------------------------------------------------------------


def test_wrong_or_mixed_input_types_say_what_to_pass(corpus):
    ex = FeatureExtractor("rms")
    path = corpus["path"].iloc[0]
    with pytest.raises(TypeError, match="mixes file paths and signal arrays"):
        ex.fit([path, signals(1)[0]])
    with pytest.raises(TypeError, match=r"X\[1\] is a int: pass audio file paths"):
        ex.fit([path, 3])
    with pytest.raises(TypeError, match="single path: pass a list"):
        ex.fit(path)
    with pytest.raises(TypeError, match="list of lists"):
        ex.fit([[0.1, 0.2, 0.3]])
    with pytest.raises(TypeError, match="16-bit PCM"):
        ex.fit(np.zeros((2, 100), dtype=np.int16))
    with pytest.raises(TypeError, match=r"X\[0\] must be a floating-point signal"):
        ex.fit([np.zeros(100, dtype=np.int16)])
    with pytest.raises(ParameterError, match="Reshape your data"):
        ex.fit(signals(1)[0])
    with pytest.raises(ParameterError, match=r"X\[0\] must be a 1-D mono signal"):
        ex.fit([np.zeros((2, 100), dtype=np.float32)])
    with pytest.raises(ParameterError, match="Complex data not supported"):
        ex.fit(np.zeros((2, 100), dtype=np.complex64))
    with pytest.raises(TypeError, match="sparse input is not supported"):
        ex.fit(pytest.importorskip("scipy.sparse").csr_matrix(np.ones((2, 100))))
    with pytest.raises(TypeError, match="list of audio paths"):
        ex.fit({"a": 1})


def test_an_empty_input_is_refused():
    for empty in ([], np.empty((0, 100), dtype=np.float32), pd.Series([], dtype=object)):
        with pytest.raises(ParameterError, match="empty"):
            FeatureExtractor("rms").fit(empty)


def test_nan_signals_are_refused_or_given_nan_rows():
    sig = signals(3)
    sig[1] = sig[1].copy()
    sig[1][100] = np.nan
    with pytest.raises(ParameterError, match=r"X\[1\] holds NaN"):
        FeatureExtractor("rms").fit(sig)
    good = FeatureExtractor("rms").fit(signals(1))
    with pytest.raises(ParameterError, match="item 1"):
        good.transform(sig)
    with pytest.warns(RuntimeWarning, match="1 of 3 items could not be read"):
        X = FeatureExtractor("rms", on_error="nan").fit_transform(sig)
    assert np.isnan(X[1]).all() and np.isfinite(X[[0, 2]]).all()


def test_unknown_feature_and_bad_parameters_are_named():
    with pytest.raises(ParameterError, match=r"unknown feature 'mfccs'; choose one of \['ser162', 'egemaps_like'"):
        FeatureExtractor("mfccs").fit(signals(1))
    with pytest.raises(TypeError, match="feature must be a feature name"):
        FeatureExtractor(13).fit(signals(1))
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        FeatureExtractor("mfcc", feature_params={"n_mfccs": 13}).fit(signals(1))
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        FeatureExtractor("ser162", feature_params={"n_mfcc": 13}).fit(signals(1))
    with pytest.raises(ParameterError, match="pass the feature and sr as their own parameters"):
        FeatureExtractor("mfcc", feature_params={"sr": 8000}).fit(signals(1))
    with pytest.raises(ParameterError, match="on_error='skip'"):
        FeatureExtractor(on_error="skip").fit(signals(1))
    with pytest.raises(ParameterError, match="n_jobs=0"):
        FeatureExtractor(n_jobs=0).fit(signals(1))
    with pytest.raises(ParameterError):
        FeatureExtractor("mfcc", stats=["mean", "median"]).fit(signals(1))
    with pytest.raises(ParameterError, match="sr=0"):
        FeatureExtractor("rms", sr=0).fit(signals(1))
    with pytest.raises(ParameterError):
        FeatureExtractor("mfcc", feature_params={"n_mfcc": 0}).fit(signals(1))


def test_a_bad_file_in_a_batch_keeps_the_good_rows_in_place(corpus, tmp_path):
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF....WAVEfmt nonsense")
    good = corpus["path"].tolist()[:3]
    batch = [good[0], str(broken), good[1], str(tmp_path / "missing.wav"), good[2]]
    ex = FeatureExtractor("ser162")
    with pytest.raises(ser_rs.AudioDecodeError, match="broken.wav"):
        ex.fit_transform(batch)
    with pytest.warns(RuntimeWarning, match="2 of 5 items"):
        X = ex.set_params(on_error="nan").fit_transform(batch)
    assert np.isnan(X[[1, 3]]).all()
    np.testing.assert_array_equal(X[[0, 2, 4]], FeatureExtractor("ser162").fit_transform(good))
    values, errors = feature_matrix(batch, "ser162")
    assert [e.index for e in errors] == [1, 3] and [e.error_type for e in errors] == ["AudioDecodeError", "MissingFileError"]
    np.testing.assert_array_equal(values, X)


def test_transform_before_fit_is_not_fitted_error():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        FeatureExtractor().transform(signals(1))


# -- the SVM baseline -----------------------------------------------------------------------------


def test_svm_baseline_imputes_scales_and_balances():
    pipe = svm_baseline(C=3.0)
    assert [name for name, _ in pipe.steps] == ["impute", "scale", "svc"]
    assert pipe.named_steps["svc"].C == 3.0 and pipe.named_steps["svc"].class_weight == "balanced"
    X = np.array([[0.0, np.nan], [1.0, 5.0], [0.1, 0.0], [0.9, np.nan]] * 4)
    assert pipe.fit(X, [0, 1, 0, 1] * 4).score(X, [0, 1, 0, 1] * 4) == 1.0
