"""Twin's chat API: a Flask app that answers visitors as a person's AI twin.

This package is the runtime: it is what the Lambda archive ships, whole, and nothing in it is an
owner's tool (those live in `twin/`). Its layers and what each may import are described in
docs/architecture.md. `create_app` is in `api.app`; this file imports nothing, so that a tool
reading one module (the persona loader, say) does not load Flask.
"""
