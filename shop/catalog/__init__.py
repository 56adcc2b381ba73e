"""The catalog: categories, products, variants and their stock."""
