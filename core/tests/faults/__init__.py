"""The fault suite (run with ``nox -s faults``)."""
