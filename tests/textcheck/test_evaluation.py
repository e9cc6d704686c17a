"""Per-category precision and recall on the labelled evaluation set (issue 4 thresholds)."""

import pytest

from .evaluation import AS_OF, load, score


@pytest.fixture(scope="module")
def result(checker):
    s = score(checker, load(AS_OF))
    print("\n" + s.table())
    for line in s.mistakes:
        print("  " + line)
    return s


def test_the_evaluation_set_has_enough_examples_of_every_serious_category():
    examples = load(AS_OF)
    counts = {
        c: sum(c == cat for ex in examples for cat, _ in ex.expected)
        for c in ("leader", "expression", "institution", "privacy", "typo")
    }
    assert min(counts.values()) >= 12, counts
    assert sum(not ex.expected for ex in examples) >= 100


@pytest.mark.parametrize("category", ["leader", "expression", "institution"])
def test_serious_categories_reach_95_percent_precision_and_recall(result, category):
    assert result.precision(category) >= 0.95
    assert result.recall(category) >= 0.95


def test_every_personal_number_in_the_evaluation_set_is_found(result):
    assert result.recall("privacy") == 1.0


def test_typo_hits_are_right_at_least_four_times_in_five(result):
    assert result.precision("typo") >= 0.8
