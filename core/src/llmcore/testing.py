"""The conformance kit moved to its own distribution, ``llmcore-testing`` (import ``llmcore_testing``).

Kept as a module so that an old ``import llmcore.testing`` says what to do instead of
``No module named 'llmcore.testing'``.
"""

raise ImportError(
    "the llmcore conformance kit is its own distribution now: `pip install llmcore-testing` "
    "(a test dependency, as llmcore-core[testing] was) and import `llmcore_testing` instead of `llmcore.testing`"
)
