"""Safety layer: help-line directory (`directory`) and crisis replies (`reply`)."""
