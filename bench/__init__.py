"""Benchmarks of the eligibility service, run by `make bench` (`python -m bench`).

Every number is measured here, never in the unit tests. Machines are noisy, so every
comparison is a ratio of two measurements taken in the same run, and every timing is
the median of several repetitions. Results go to `bench/results/latest.json`; the
readable report is `docs/performance.md` (see `bench.report`).
"""
