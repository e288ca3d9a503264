"""`make eval`: ask the twin every case of bench/eval/cases.json and score the replies.

Runs the real app (persona, system prompt, model, memory) through Flask's test client: against
the offline responder by default, against Bedrock when TWIN_MODEL_ID names a model and AWS
credentials exist.
"""
