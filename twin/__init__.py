"""The owner's command line, `twin`: run the twin locally, read the inbox, shape the persona.

Nothing here ships to Lambda; the runtime (`api/`) never imports this package
(docs/architecture.md, "Layers").
"""
