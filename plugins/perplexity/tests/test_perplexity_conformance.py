"""The llmcore conformance kit on Perplexity recordings (ruby_llm) and authored cassettes
(see cassettes/SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

from llmcore import errors as E
from llmcore_testing import Case, EmbeddingCase, ErrorCase, ProviderConformance
from llmcore_testing.conformance import LosslessCase
from perplexity_cases import BASIC, CITATIONS, EMBED_DIMS, EMBED_ONE, STREAM

#: the photo of the HTTPS URL example in Perplexity's image attachments guide
BOARDWALK = (
    "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg"
    "/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg"
)


class TestPerplexityConformance(ProviderConformance):
    provider = "perplexity"
    cassette_dir = Path(__file__).parent / "cassettes"

    chat_case = Case(BASIC, {"model": "sonar", "messages": ["What's 2 + 2?"]}, expect_text="4", expect_finish="stop")
    stream_case = Case(
        STREAM,
        {"model": "sonar", "messages": ["Count from 1 to 3"]},
        stream=True,
        expect_text="3",
        expect_finish="stop",
    )
    system_prompt_case = Case(
        "authored__system_prompt.yaml",
        {
            "model": "sonar",
            "system": "Be precise and concise.",
            "messages": ["How many stars are there in our galaxy?"],
        },
        expect_text="billion",
    )
    # authored from the image attachments guide (no recording with an image exists)
    vision_case = Case(
        "authored__vision_image_url.yaml",
        {
            "model": "sonar-pro",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Can you describe the image at this URL?"},
                        {"type": "image", "url": BOARDWALK},
                    ],
                }
            ],
        },
        expect_text="boardwalk",
        expect_finish="stop",
    )
    #: pplx-embed, int8 vectors (as floats: embedding_type "float"); one text, 1024 dimensions (the default)
    embedding_case = EmbeddingCase(
        EMBED_ONE, "pplx-embed-v1-0.6b", "Ruby is a programmer's best friend", expect_dimensions=1024
    )
    agreement_pairs = ()  # no chat/stream pair of one prompt was recorded
    error_cases = {
        "auth": ErrorCase(
            "ruby_llm__chat_error_handling_with_perplexity_sonar_raises_appropriate_auth_error.yaml",
            {"model": "sonar", "messages": ["Hello"]},
            error=E.AuthenticationError,
            status_code=401,
        ),
        "not_found": ErrorCase(
            "authored__invalid_model_400.yaml",
            {"model": "sonar-ultra", "messages": ["Hello"]},
            error=E.NotFoundError,
            status_code=400,
        ),
        "rate_limit": ErrorCase(
            "authored__rate_limit_429.yaml",
            {"model": "sonar", "messages": ["Hello"]},
            error=E.RateLimitError,
            status_code=429,
            expect_retry_after=True,
        ),
        "context_length": ErrorCase(
            "ruby_llm__chat_real_error_scenarios_perplexity_sonar_handles_context_length_exceeded_errors.yaml",
            {"model": "sonar", "messages": ["Hi"]},
            error=E.ContextWindowExceededError,
            status_code=400,
        ),
        "server": ErrorCase(
            "authored__server_error_500.yaml",
            {"model": "sonar", "messages": ["Hello"]},
            error=E.ProviderServerError,
            status_code=500,
        ),
    }

    # the citations recording is a plain chat: a second chat case for the kit's checks
    citations_case = Case(
        CITATIONS, {"model": "sonar", "messages": ["What is the Ruby programming language?"]}, expect_text="Ruby"
    )
    # Sonar searches on every call and answers with the sources (search_results): they prove both claims;
    # the streamed recording (another prompt) sends them too
    _RUBY = {"model": "sonar", "messages": ["What is the Ruby programming language?"]}
    _COUNT = {"model": "sonar", "messages": ["Count from 1 to 3"]}
    lossless_cases = {
        "web_search": LosslessCase(CITATIONS, _RUBY, evidence="citations"),
        "web_search:stream": LosslessCase(STREAM, _COUNT, stream=True, evidence="citations"),
        "citations": LosslessCase(CITATIONS, _RUBY),
        "citations:stream": LosslessCase(STREAM, _COUNT, stream=True),
    }
    lossless_check = True

    def test_embed_int8_with_dimensions(self) -> None:
        """The kit's embed checks on the second recording: three texts, 256 dimensions, ints."""
        case = EmbeddingCase(
            EMBED_DIMS,
            "pplx-embed-v1-0.6b",
            ["Ruby", "Python", "JavaScript"],
            {"dimensions": 256, "embedding_type": "int8"},
        )
        res, r = self._unary(case)
        assert res.error is None, res.error
        assert len(r.vectors) == 3 and r.dimensions == 256 and r.usage.input_tokens == 3
        assert all(type(x) is int and -128 <= x <= 127 for v in r.vectors for x in v)

    def test_citations_chat(self) -> None:
        res = self._ok(self.citations_case)
        assert res.response is not None and res.response.provider_metadata["perplexity"]["citations"]
