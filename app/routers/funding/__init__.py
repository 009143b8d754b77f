"""Funding: application rounds, applications, grants with their reports and payments, figures."""
