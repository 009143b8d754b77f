"""Demo data: the real partnerships of the seed documents, loaded by `partnership-api demo-data`
and `make run`."""
