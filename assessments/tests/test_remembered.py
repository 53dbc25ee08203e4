"""generations.Remembered: a value read once per key and global generation, in this process."""

from __future__ import annotations

from assessments.generations import Remembered


def counting_reader():
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    return read, reads


def test_a_value_is_read_once_per_generation_and_again_when_it_moves():
    remembered: Remembered[str, int] = Remembered(limit=10)
    read, reads = counting_reader()
    assert [remembered.get("a", 7, read) for _ in range(3)] == [1, 1, 1]
    assert remembered.get("a", 8, read) == 2  # a write bumped the generation
    assert remembered.get("b", 8, read) == 3  # another key, read on its own
    assert len(reads) == 3


def test_without_a_generation_every_call_reads():
    remembered: Remembered[str, int] = Remembered(limit=10)
    read, _ = counting_reader()
    assert [remembered.get("a", None, read) for _ in range(2)] == [1, 2]
    assert remembered.get("a", 7, read) == 3  # nothing was kept under no generation


def test_past_its_limit_it_forgets_and_reads_again():
    remembered: Remembered[int, int] = Remembered(limit=2)
    read, _ = counting_reader()
    for key in (1, 2, 3):  # the third forgets the first two
        remembered.get(key, 7, read)
    assert remembered.get(3, 7, read) == 3
    assert remembered.get(1, 7, read) == 4
