"""Progress bars for long work: one bar of named stages, in terminals and notebooks alike."""

from __future__ import annotations

from collections.abc import Sequence

#: inputs at least this large show a progress bar unless asked not to
AUTO_THRESHOLD = 50_000


class Stages:
    """``with Stages(["read", "write"], "import", enabled) as s: ...; s.done("read")``."""

    def __init__(self, names: Sequence[str], desc: str, enabled: bool) -> None:
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=len(names), desc=desc, unit="step", leave=False)
            self.bar.set_postfix_str(names[0])
        self.names = list(names)

    def done(self, name: str) -> None:
        if self.bar is not None:
            self.bar.update(1)
            i = self.names.index(name) + 1
            if i < len(self.names):
                self.bar.set_postfix_str(self.names[i])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wanted(progress: bool | None, size: int) -> bool:
    """Explicit True/False wins; None shows a bar for inputs of AUTO_THRESHOLD rows or more."""
    return size >= AUTO_THRESHOLD if progress is None else progress
