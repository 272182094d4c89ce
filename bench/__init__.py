"""clinicbot benchmarks: triage quality, intent F1, training time, REST latency and server memory.

Run with ``make bench`` (``scripts/with-stack .venv/bin/python -m bench``). It prints a table and writes
``var/bench.json``. A benchmark, not a test: figures never make it fail; a crashing section is reported
as an error and the other sections still run.
"""
