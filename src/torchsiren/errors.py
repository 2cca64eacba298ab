"""The one exception type for user mistakes: the CLI turns it into one line on stderr and a non-zero exit."""
import math


class TorchSirenError(Exception):
    """A problem the user can fix (bad path, bad setting, bad data). The message says what and how, naming the
    API's own arguments; `params` lists them, so the command line can say its flags instead."""

    def __init__(self, message: str, *params: str) -> None:
        super().__init__(message)
        self.params = params


class TrainingDiverged(TorchSirenError):
    """The loss became NaN or infinite; the last good checkpoint is kept."""


class TrainingInterrupted(TorchSirenError):
    """Ctrl-C: a checkpoint was saved and the run can be resumed."""


def check_positive(name: str, value: float, *, integer: bool = False, finite: bool = False, unit: str = "") -> None:
    """Raise a TorchSirenError unless `value` is a positive (integer; finite) number; `unit` names what it counts
    in the message ("of dB")."""
    if integer and int(value) != value:
        raise TorchSirenError(f"{name} must be a whole number, got {value}", name)
    if finite and not 0 < value < math.inf:
        raise TorchSirenError(f"{name} must be a finite number{unit and ' ' + unit} > 0, got {value}", name)
    if not value > 0:  # also catches NaN
        raise TorchSirenError(f"{name} must be > 0, got {value}", name)
