"""Scenario sweeps: one scenario over many seeds and parameter values, run on Dask."""
