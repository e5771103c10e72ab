"""Use cases over the domain: plain logic with no cloud identity imports (see the contract)."""
