"""The Partnership API: ICLD's municipal partnership programme for local democracy."""
