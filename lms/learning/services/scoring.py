"""Scoring quiz answers, one rule per question kind behind a small registry.

- ``single`` and ``true_false``: 1 when the one chosen choice is the correct one, else 0.
- ``multiple``: partial credit. With ``C`` correct choices, a learner who ticks ``h``
  of them and ``w`` wrong ones scores ``max(0, (h - w) / C)``: ticking everything
  scores 0 when there are as many wrong choices as right ones, and never below 0.
- A question counts as *correct* (for feedback) only with a score of 1.
- The quiz score is ``round(100 × mean of question scores)``, from 0 to 100; it passes
  when it reaches the pass mark.

A new question kind adds one function to ``SCORERS``.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from fractions import Fraction

Scorer = Callable[[set[int], set[int], set[int]], Fraction]


def _one_choice(chosen: set[int], correct: set[int], offered: set[int]) -> Fraction:
    return Fraction(1) if len(chosen) == 1 and chosen <= correct else Fraction(0)


def _partial_credit(chosen: set[int], correct: set[int], offered: set[int]) -> Fraction:
    if not correct:
        return Fraction(0)
    hits, wrong = len(chosen & correct), len(chosen - correct)
    return max(Fraction(0), Fraction(hits - wrong, len(correct)))


SCORERS: dict[str, Scorer] = {"single": _one_choice, "true_false": _one_choice, "multiple": _partial_credit}


def question_score(kind: str, chosen: Collection[int], correct: Collection[int], offered: Collection[int]) -> Fraction:
    """Between 0 and 1. Choices not offered by the question are ignored."""
    offered_set = set(offered)
    return SCORERS[kind](set(chosen) & offered_set, set(correct) & offered_set, offered_set)


def quiz_score(question_scores: list[Fraction]) -> int:
    if not question_scores:
        return 0
    mean = sum(question_scores, Fraction(0)) / len(question_scores)
    return int(Fraction(100) * mean + Fraction(1, 2))  # round half up, exactly


def passed(score: int, pass_mark: int) -> bool:
    return score >= pass_mark
