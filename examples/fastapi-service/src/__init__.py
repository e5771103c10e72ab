"""The reference service: a FastAPI app that follows runtime-contract.yml."""
