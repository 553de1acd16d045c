"""The public API of ``llmcore``: ``__all__``, the lazy table and the type checker's view agree.

Every public name is loaded lazily by a module ``__getattr__`` (``import llmcore`` stays
cheap) and declared in a ``TYPE_CHECKING`` block with its real type. The run-time
``__getattr__`` is hidden from type checkers: otherwise every unknown attribute is ``Any``
to them and ``llmcore.RetryPolciy(max_attemps=3)`` passes ``mypy --strict``.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

import llmcore
import pytest

INIT = Path(llmcore.__file__)


def _type_checking_imports() -> dict[str, str]:
    """Name -> module of each ``from .module import Name as Name`` in the TYPE_CHECKING block."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    blocks = [
        n for n in tree.body if isinstance(n, ast.If) and isinstance(n.test, ast.Name) and n.test.id == "TYPE_CHECKING"
    ]
    assert len(blocks) == 1, "one `if TYPE_CHECKING:` block declares the public names"
    found: dict[str, str] = {}
    for node in blocks[0].body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            for alias in node.names:
                # `X as X` is what marks a re-export to type checkers (PEP 484, mypy --strict)
                assert alias.asname == alias.name, f"from .{node.module} import {alias.name} needs `as {alias.name}`"
                assert alias.name not in found, f"{alias.name} declared twice"
                found[alias.name] = f"llmcore.{node.module}"
    return found


def test_all_is_the_lazy_table() -> None:
    assert len(llmcore.__all__) == len(set(llmcore.__all__)), "a name twice in __all__"
    assert set(llmcore.__all__) == set(llmcore._LAZY), "__all__ and the lazy table list the same names"


def test_type_checkers_see_every_public_name_with_its_real_object() -> None:
    declared = _type_checking_imports()
    assert set(declared) == set(llmcore.__all__), "the TYPE_CHECKING block declares exactly __all__"
    for name, module in declared.items():
        # the object a type checker is told about is the object users get
        assert getattr(llmcore, name) is getattr(importlib.import_module(module), name), name


def test_plugin_author_names_are_not_in_the_user_namespace() -> None:
    for name in ("ProviderSpec", "Capabilities", "hookimpl", "BatchProvider"):
        assert name not in llmcore.__all__
        with pytest.raises(AttributeError, match=r"for plugin authors .* from llmcore\.\w+(\.\w+)? import " + name):
            getattr(llmcore, name)
    with pytest.raises(AttributeError, match="has no attribute 'RetryPolciy'"):
        llmcore.RetryPolciy  # type: ignore[attr-defined]  # noqa: B018


def test_import_llmcore_loads_no_submodule() -> None:
    """What keeps ``import llmcore`` cheap: it runs this one module and nothing else of ours."""
    code = "import sys; b = set(sys.modules); import llmcore; print(sorted(set(sys.modules) - b))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert eval(out) == ["__future__", "llmcore"]


TYPO = """\
import llmcore

llmcore.RetryPolciy(max_attempts=3)
llmcore.RetryPolicy(max_attemps=3)
llmcore.model("openai/gpt-4.1-mini").chat("hi", temprature=0.2)
llmcore.model("openai/gpt-4.1-mini").chat("hi", max_tokens="100")
wrong: int = llmcore.model("openai/gpt-4.1-mini").chat("hi", response_format=llmcore.Usage).parsed
llmcore.generate(llmcore.Usage(), ["a"])
llmcore.model("openai/gpt-4.1-mini", retry="3")
"""

CORRECT = """\
import llmcore

policy: llmcore.RetryPolicy = llmcore.RetryPolicy(max_attempts=3)
m: llmcore.Model = llmcore.model("openai/gpt-4.1-mini", retry=policy)
reply: llmcore.ChatResponse = m.chat([llmcore.Message(role="user", content=[llmcore.TextPart(text="hi")])])
text: str | None = reply.text
try:
    pass
except llmcore.RateLimitError as e:
    delay: float | None = e.retry_after

# the documented loose forms the validators accept type-check too
short = llmcore.Message(role="user", content="hi", cache_point="1h")
cached = llmcore.Message(role="system", content=[{"type": "text", "text": "rules"}], cache_point=True)
empty = llmcore.Message(role="assistant", content=None)
for ev in m.stream("hi"):
    # `type` is a literal tag on every event: comparing it narrows the union
    if ev.type == "text":
        piece: str = ev.text
    elif ev.type == "finish":
        why: str = ev.reason

# a call's options are typed, and response_format types `parsed`
from pydantic import BaseModel


class City(BaseModel):
    name: str


city: City | None = m.chat("Name a city", response_format=City, temperature=0.0).parsed
cities: list[City] | None = m.chat("Name two", response_format=list[City]).parsed
plain = m.chat("hi", stop="\\n", tool_choice="auto", cache=False, structured_mode=None)
tuned = llmcore.model("openai/gpt-4.1-mini", retry=3, timeouts={"total": 30.0}, cache=False, budget=5.0, api="x")
results = llmcore.generate("openai/gpt-4.1-mini", ["a", "b"], temperature=0.0, progress=False)
both = llmcore.multi_chat([m, llmcore.fallback(["openai/gpt-4.1-mini", "openai/gpt-4.1"])], "hi", max_tokens=5)
chain = llmcore.fallback(["openai/gpt-4.1-mini", m], on=llmcore.ContextWindowExceededError, retry=2)
routed: llmcore.ChatResponse = llmcore.router(["openai/gpt-4.1-mini", m]).chat("hi", max_tokens=5)
vectors = llmcore.embed("openai/text-embedding-3-small", ["a", "b"]).vectors
"""


# Kept between runs (a cold run reads llmcore and pydantic: ~20 s; warm: ~2 s). Safe to share:
# mypy checks every cached module against its source before using it.
MYPY_CACHE = Path(tempfile.gettempdir()) / "llmcore-tests-mypy-cache"


def test_mypy_strict_catches_typos_in_public_names() -> None:
    pytest.importorskip("mypy")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "typo.py").write_text(TYPO)
        (d / "correct.py").write_text(CORRECT)
        (d / "mypy.ini").write_text("[mypy]\nstrict = True\nfollow_imports = silent\n")
        # one run for both files (most of its time is reading llmcore and pydantic); in its own
        # directory, so that no configuration or source of the checkout is picked up
        cmd = [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", str(MYPY_CACHE)]
        run = subprocess.run([*cmd, "typo.py", "correct.py"], cwd=d, capture_output=True, text=True, timeout=300)
    out = run.stdout + run.stderr
    errors = [ln for ln in run.stdout.splitlines() if ": error:" in ln]
    assert [ln for ln in errors if ln.startswith("correct.py")] == [], out
    typo = [ln for ln in errors if ln.startswith("typo.py")]
    assert any('typo.py:3: error: Module has no attribute "RetryPolciy"' in ln for ln in typo), out
    assert any('typo.py:4: error: Unexpected keyword argument "max_attemps"' in ln for ln in typo), out
    assert any('typo.py:5: error: Unexpected keyword argument "temprature"' in ln for ln in typo), out
    # max_tokens="100": no signature of chat takes a string there
    assert any(ln.startswith('typo.py:6: error: No overload variant of "chat"') for ln in typo), out
    # response_format types `parsed`: a Usage (or None) is not an int
    assert any(ln.startswith("typo.py:7: error: Incompatible types") and '"Usage | None"' in ln for ln in typo), out
    # generate takes a model name or something with achat
    assert any(ln.startswith('typo.py:8: error: Argument 1 to "generate"') for ln in typo), out
    # the reliability options of llmcore.model are typed
    assert any(ln.startswith('typo.py:9: error: Argument "retry" to "model"') for ln in typo), out


def test_model_takes_the_parameters_of_Model() -> None:
    """``llmcore.model`` spells out ``Model``'s parameters (for type checkers): the same ones."""
    import inspect

    from llmcore.facade import Model, model

    ours = list(inspect.signature(model).parameters.values())
    theirs = list(inspect.signature(Model.__init__).parameters.values())[1:]  # less self
    assert [(p.name, p.kind, p.default, p.annotation) for p in ours] == [
        (p.name, p.kind, p.default, p.annotation) for p in theirs
    ]


def test_embed_options_are_the_embedding_parameters() -> None:
    from llmcore.embeddings import _EMBED_PARAMS, EMBEDDING_TYPES, INPUT_TYPES, TRUNCATE
    from llmcore.options import EmbedOptions

    assert set(EmbedOptions.__annotations__) == set(_EMBED_PARAMS)
    # strings (postponed evaluation): the literals are spelled out
    hints = {k: getattr(v, "__forward_arg__", v) for k, v in EmbedOptions.__annotations__.items()}
    for values, key in ((INPUT_TYPES, "input_type"), (TRUNCATE, "truncate"), (EMBEDDING_TYPES, "embedding_type")):
        assert all(repr(v) in hints[key] or f'"{v}"' in hints[key] for v in values), key


def test_call_options_are_the_request_fields_and_the_facade_options() -> None:
    """``CallOptions`` (what type checkers accept as ``m.chat(..., **options)``) and what the
    facade accepts at run time are the same names: a new ``ChatRequest`` field must be added
    to both."""
    from llmcore.facade import _request_fields
    from llmcore.options import CallOptions, CallOptionsWithoutFormat

    assert set(CallOptions.__annotations__) | set(CallOptionsWithoutFormat.__annotations__) == set(
        _request_fields()
    ) | {"cache", "structured_mode"}
    assert set(CallOptions.__optional_keys__) - set(CallOptionsWithoutFormat.__optional_keys__) == {"response_format"}


def test_one_price_class_for_accounting_and_routing() -> None:
    from llmcore.routing import Price as RoutingPrice
    from llmcore.routing.prices import coerce_price
    from llmcore.usage import Price

    assert RoutingPrice is Price
    assert coerce_price((1, 2)) == Price(input=1.0, output=2.0)
    # the router's estimate: fresh input and output, at the long-context rates above the threshold
    p = Price.from_dict({"input": 1, "output": 10, "long_context": {"above": 1000, "input": 2, "output": 20}})
    assert p.estimate(1000, 100) == pytest.approx((1000 * 1 + 100 * 10) / 1e6)
    assert p.estimate(1001, 100) == pytest.approx((1001 * 2 + 100 * 20) / 1e6)


def test_old_kit_import_says_where_the_kit_went() -> None:
    """``llmcore.testing`` left core for the llmcore-testing distribution: an old import names it."""
    import importlib
    import sys

    sys.modules.pop("llmcore.testing", None)
    with pytest.raises(ImportError, match=r"pip install llmcore-testing.*import `llmcore_testing`"):
        importlib.import_module("llmcore.testing")
