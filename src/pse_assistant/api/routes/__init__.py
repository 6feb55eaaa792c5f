"""One router per capability; `pse_assistant.api.app.create_api` includes them all."""
