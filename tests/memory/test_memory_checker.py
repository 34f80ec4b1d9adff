"""Tests of the independent plan checker on hand-made plans.

Oracle: the plans below are built by hand with their overlaps (or lack of
them) worked out on paper; each test states the bytes and steps involved.
"""
import pytest

from tinyc.memory.checker import check
from tinyc.memory.liveness import Buffer


def buf(name, size, first, last):
    return Buffer(name, size, first, last, [name])


def test_valid_plan_passes():
    bs = [buf("a", 8, 0, 1), buf("b", 4, 1, 2), buf("c", 8, 2, 3)]
    check(bs, {"a": 0, "b": 8, "c": 0}, 12)  # a and c share bytes but never a step


def test_touching_bytes_are_legal():
    """[0, 4) and [4, 8) live at the same step share no byte."""
    check([buf("a", 4, 0, 3), buf("b", 4, 0, 3)], {"a": 0, "b": 4}, 8)


def test_touching_steps_are_legal():
    """a dies after step 2, b is born at step 3: same bytes are fine."""
    check([buf("a", 4, 0, 2), buf("b", 4, 3, 5)], {"a": 0, "b": 0}, 4)


def test_off_by_one_byte_overlap_is_caught():
    """[0, 4) and [3, 7) share byte 3."""
    with pytest.raises(AssertionError, match="overlap"):
        check([buf("a", 4, 0, 3), buf("b", 4, 0, 3)], {"a": 0, "b": 3}, 8)


def test_off_by_one_step_overlap_is_caught():
    """a lives [0, 3], b lives [3, 5]: both at step 3 (intervals are inclusive)."""
    with pytest.raises(AssertionError, match="'a'.*'b'.*overlap"):
        check([buf("a", 4, 0, 3), buf("b", 4, 3, 5)], {"a": 0, "b": 0}, 4)


def test_containment_overlap_is_caught():
    """b [2, 4) sits inside a [0, 8) while both are live."""
    with pytest.raises(AssertionError, match="overlap"):
        check([buf("a", 8, 0, 9), buf("b", 2, 4, 4)], {"a": 0, "b": 2}, 8)


def test_zero_size_overlaps_nothing():
    bs = [buf("a", 8, 0, 3), buf("z", 0, 0, 3)]
    check(bs, {"a": 0, "z": 4}, 8)
    check(bs, {"a": 0, "z": 8}, 8)  # empty buffer at the arena's end is still inside


def test_missing_offset_is_caught():
    with pytest.raises(AssertionError, match="'b' has no offset"):
        check([buf("a", 4, 0, 0), buf("b", 4, 1, 1)], {"a": 0}, 4)


def test_outside_arena_is_caught():
    bs = [buf("a", 4, 0, 0)]
    check(bs, {"a": 4}, 8)  # ends exactly at the arena end: legal
    with pytest.raises(AssertionError, match="past the arena"):
        check(bs, {"a": 5}, 8)
    with pytest.raises(AssertionError, match="< 0"):
        check(bs, {"a": -4}, 8)


def test_bad_offset_type_and_duplicates_are_caught():
    with pytest.raises(AssertionError, match="not an int"):
        check([buf("a", 4, 0, 0)], {"a": 1.0}, 8)
    with pytest.raises(AssertionError, match="twice"):
        check([buf("a", 4, 0, 0), buf("a", 4, 1, 1)], {"a": 0}, 8)


def test_alignment_is_checked_when_asked():
    check([buf("a", 4, 0, 0)], {"a": 4}, 8)
    with pytest.raises(AssertionError, match="multiple of 16"):
        check([buf("a", 4, 0, 0)], {"a": 4}, 8, align=16)
