"""Qanat local Xtream-compatible test panel (standard library only)."""
