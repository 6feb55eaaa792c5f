"""Answering: what a question asks, the grounded composer, the responder, the optional LLM, conversations.

Lives here: `models` (`Answer`, `Citation`, `Status`, the typed stream events), `intents` (what a
question asks for), `composer` (grounded answers from corpus sentences), `responder` (validation,
follow-ups, scope, the LLM path with citation checks), `llm` (the OpenAI-compatible client),
`conversations` (saved conversations and feedback). May import: `core`, `corpus`, `search`, `plans`.
"""
