"""Runs librosa 0.11's own tests with each librosa function that ser_rs also offers swapped for ser_rs's.

The swap list is derived, not written: every public callable of a ser_rs module that librosa's matching
namespace also has. Tests that need librosa's data submodule (tests/data) or its downloaded example audio
are skipped with that reason. ``SWAPPED`` records what was swapped, for the harness's own test.
"""

from __future__ import annotations

import re

import pytest

librosa = pytest.importorskip("librosa")

import librosa.core  # noqa: E402
import librosa.effects  # noqa: E402
import librosa.feature  # noqa: E402

import ser_rs  # noqa: E402
import ser_rs.audio  # noqa: E402
import ser_rs.effects  # noqa: E402
import ser_rs.feature  # noqa: E402
import ser_rs.prosody  # noqa: E402

# ser_rs module -> librosa namespaces where its functions are looked up by the tests.
NAMESPACES = {
    ser_rs.feature: (librosa, librosa.core, librosa.feature),
    ser_rs.effects: (librosa.effects,),
    ser_rs.prosody: (librosa, librosa.core),
    ser_rs.audio: (librosa, librosa.core),
}

# Only test_core's tests of the functions ser_rs offers belong to the measured subset.
CORE_SUBSET = re.compile(r"stft|_db|yin|pyin|resample|load", re.IGNORECASE)

DATA_REASON = "needs librosa's data submodule (tests/data) or example audio (librosa.ex downloads)"

#: (librosa namespace name, function name) -> the ser_rs function swapped in, during the session.
SWAPPED: dict[tuple[str, str], object] = {}


def swap_pairs():
    """Every (namespace, name, ser_rs function) where librosa's namespace has the same public name."""
    for module, targets in NAMESPACES.items():
        for name in getattr(module, "__all__", ()):
            ours = getattr(module, name)
            if not callable(ours) or isinstance(ours, type):
                continue
            for target in targets:
                if callable(getattr(target, name, None)):
                    yield target, name, ours


def _needs_example(*_args, **_kwargs):
    pytest.skip(DATA_REASON)


@pytest.fixture(scope="session", autouse=True)
def swap_in_ser_rs():
    # Session scope: librosa's module-scoped fixtures (which load audio) must see the swap too.
    monkeypatch = pytest.MonkeyPatch()
    for target, name, ours in swap_pairs():
        monkeypatch.setattr(target, name, ours)
        SWAPPED[(target.__name__, name)] = ours
    for target in (librosa, librosa.util):
        monkeypatch.setattr(target, "ex", _needs_example, raising=False)
        monkeypatch.setattr(target, "example", _needs_example, raising=False)
    yield
    monkeypatch.undo()
    SWAPPED.clear()


def pytest_collection_modifyitems(config, items):
    deselected = [i for i in items if i.path.name == "test_core.py" and not CORE_SUBSET.search(i.name)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [i for i in items if i not in deselected]


def _is_missing_data(excinfo) -> bool:
    """A failure caused by a file of librosa's tests/data, which the source distribution does not ship."""
    error, text = excinfo.value, str(excinfo.value)
    names_a_data_file = "tests/data" in text or "test1_" in text or "test2_" in text
    if names_a_data_file and isinstance(error, (OSError, RuntimeError, ValueError)):
        return True
    return type(error).__name__ in {"LibsndfileError", "NoBackendError"} and "tests" in text


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is not None and report.failed and _is_missing_data(call.excinfo):
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {DATA_REASON}")
