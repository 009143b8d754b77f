"""Partnerships and their parts: phases, groups, meetings, documents, results, compliance."""
