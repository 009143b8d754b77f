"""Thematic networks and their workshops."""
