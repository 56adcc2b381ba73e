"""Information pages: shipping, returns, warranty and contact."""
