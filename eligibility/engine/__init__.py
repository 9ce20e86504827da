"""Engines that compute the values of a compiled version: the pure evaluator and durable_rules."""
