"""The synthetic but plausible region that generate_data builds for benchmarks and demos."""
