"""Bedrock Converse in its own shape, for tests of the Converse mapping (botocore's Stubber).

Tests of what the twin does with a reply (tools, history, limits) use `scripted.ScriptedModel`
instead; these builders are for tests where the wire format itself is the point.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import ANY

from api.models.bedrock import tool_config
from api.tools import TOOL_SPECS

MODEL = "us.amazon.nova-micro-v1:0"
TOOL_CONFIG = tool_config(TOOL_SPECS)  # the tools in the shape Bedrock is sent them


def bedrock_client() -> Any:
    """A bedrock-runtime client with fake keys, for a Stubber to answer."""
    return boto3.client("bedrock-runtime", region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def converse_response(text: str, input_tokens: int = 120, output_tokens: int = 30) -> dict:
    """A Converse response that ends the turn with `text`."""
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
        "metrics": {"latencyMs": 321},
    }


def tool_use(tool_id: str, name: str, arguments: dict) -> dict:
    """A toolUse block: the model asking for one tool."""
    return {"toolUse": {"toolUseId": tool_id, "name": name, "input": arguments}}


def tool_response(*uses: tuple[str, str, dict], text: str = "") -> dict:
    """A Converse response in which the model asks for tools: (id, name, input) each."""
    content: list[dict] = [{"text": text}] if text else []
    content += [tool_use(*use) for use in uses]
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 200, "outputTokens": 20, "totalTokens": 220},
        "metrics": {"latencyMs": 100},
    }


def request(messages: Any) -> dict:
    """The Converse request the twin sends with its tools (ANY for the parts not checked)."""
    return {
        "modelId": MODEL,
        "system": ANY,
        "messages": messages,
        "inferenceConfig": ANY,
        "toolConfig": TOOL_CONFIG,
    }


def user(text: str) -> dict:
    return {"role": "user", "content": [{"text": text}]}


def assistant(text: str) -> dict:
    return {"role": "assistant", "content": [{"text": text}]}


def tool_result(tool_id: str, status: str = "success", **content: object) -> dict:
    """A toolResult block; by default the success a recorded entry sends back."""
    block = content or {"json": {"status": "recorded"}}
    return {"toolResult": {"toolUseId": tool_id, "status": status, "content": [block]}}
