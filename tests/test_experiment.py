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
