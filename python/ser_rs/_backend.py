"""Where the optional native trainer comes from: ``ser_rs_train._trainer``, installed by
``pip install "ser_rs[train]"``. Everything that trains or runs a network gets it here, so a
missing trainer is one clear error that names the install command."""

from __future__ import annotations

from types import ModuleType

from ser_rs.exceptions import TrainerNotInstalledError

INSTALL_TRAINER = 'pip install "ser_rs[train]"'


def trainer() -> ModuleType:
    """The trainer's native module.

    Raises
    ------
    TrainerNotInstalledError
        (an ImportError) when the trainer or its torch is missing, or its version is not ser_rs's,
        naming the install command.
    """
    try:
        from ser_rs_train import _trainer
    except ImportError as exc:
        raise TrainerNotInstalledError(
            f"this needs ser_rs's neural-network trainer, which is not installed ({exc}); install it with `{INSTALL_TRAINER}`"
        ) from exc
    from ser_rs import _native

    if _trainer.__version__ != _native.__version__:
        raise TrainerNotInstalledError(
            f"ser_rs {_native.__version__} needs its trainer of the same version, found {_trainer.__version__}: "
            f'`pip install "ser_rs[train]=={_native.__version__}"`'
        )
    return _trainer
