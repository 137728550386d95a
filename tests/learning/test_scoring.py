"""Scoring rules (lms.learning.services.scoring), with Hypothesis for the edge cases."""
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from lms.learning.services.scoring import SCORERS, passed, question_score, quiz_score


@st.composite
def questions(draw, kind=st.sampled_from(sorted(SCORERS))):
    kind = draw(kind)
    offered = set(range(1, draw(st.integers(2, 8)) + 1))
    if kind == "multiple":
        correct = draw(st.sets(st.sampled_from(sorted(offered)), min_size=1))
    else:
        correct = {draw(st.sampled_from(sorted(offered)))}
    chosen = draw(st.sets(st.integers(0, 10)))
    return kind, chosen, correct, offered


@given(questions())
def test_a_question_scores_between_zero_and_one(question):
    assert 0 <= question_score(*question) <= 1


@given(questions())
def test_the_correct_answer_scores_one_and_nothing_scores_zero(question):
    kind, _chosen, correct, offered = question
    assert question_score(kind, correct, correct, offered) == 1
    assert question_score(kind, set(), correct, offered) == 0


@given(questions())
def test_adding_a_wrong_choice_never_raises_the_score(question):
    kind, chosen, correct, offered = question
    for wrong in offered - correct:
        assert question_score(kind, chosen | {wrong}, correct, offered) <= question_score(kind, chosen, correct, offered)


@given(questions(kind=st.just("multiple")))
def test_adding_a_right_choice_never_lowers_a_multiple_score(question):
    kind, chosen, correct, offered = question
    for right in correct:
        assert question_score(kind, chosen | {right}, correct, offered) >= question_score(kind, chosen, correct, offered)


@given(questions())
def test_choices_not_offered_are_ignored(question):
    kind, chosen, correct, offered = question
    assert question_score(kind, chosen | {99, 100}, correct, offered) == question_score(kind, chosen, correct, offered)


@given(st.lists(st.fractions(min_value=0, max_value=1), max_size=30))
def test_quiz_score_is_a_rounded_percentage(scores):
    score = quiz_score(scores)
    assert 0 <= score <= 100
    if scores:
        exact = 100 * sum(scores, Fraction(0)) / len(scores)
        assert abs(score - exact) <= Fraction(1, 2)


def test_the_documented_multiple_rule():
    offered, correct = {1, 2, 3, 4}, {1, 2}
    assert question_score("multiple", {1, 2}, correct, offered) == 1
    assert question_score("multiple", {1}, correct, offered) == Fraction(1, 2)
    assert question_score("multiple", {1, 3}, correct, offered) == 0
    assert question_score("multiple", {1, 2, 3, 4}, correct, offered) == 0  # ticking everything earns nothing
    assert question_score("multiple", {3}, correct, offered) == 0  # never below zero


def test_single_choice_needs_exactly_one_answer():
    assert question_score("single", {1, 2}, {1}, {1, 2, 3}) == 0
    assert question_score("true_false", {2}, {2}, {1, 2}) == 1


def test_rounding_and_pass_mark():
    assert quiz_score([Fraction(1), Fraction(1, 2)]) == 75
    assert quiz_score([Fraction(1), Fraction(0), Fraction(0)]) == 33
    assert quiz_score([Fraction(1), Fraction(1), Fraction(0)]) == 67
    assert quiz_score([Fraction(1, 2), Fraction(0)]) == 25
    assert quiz_score([Fraction(1, 8)]) == 13  # 12.5 rounds half up
    assert quiz_score([]) == 0
    assert passed(80, 80) and not passed(79, 80)
