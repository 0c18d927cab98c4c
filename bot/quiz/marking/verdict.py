"""What one marking rule says about an answer: the verdict and a one-line reason a teacher can check."""

from __future__ import annotations

from dataclasses import dataclass

RIGHT, CLOSE, WRONG = "right", "close", "wrong"


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: str  # RIGHT, CLOSE (wrong, but tell the student what is missing) or WRONG
    why: str  # one short line: "2.5 km = 2500 metres", "wrong month: September, not August"

    @property
    def correct(self) -> bool:
        return self.verdict == RIGHT
