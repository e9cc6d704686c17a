"""The checkers of the pipeline, one module per kind of problem; see ``base.py`` for the contract."""
