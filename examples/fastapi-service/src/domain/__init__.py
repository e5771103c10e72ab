"""Plain domain types: no framework, no cloud SDK (the contract's import guard holds it to that)."""
