"""The product-copy claims checker behind ``shop.rules.copy_claims`` (its public API).

Lexicons (data) and engine are kept apart:

- ``lexicon/``: what to look for, one module per family of words, each holding its term
  lists and the patterns compiled from them: ``conditions`` (and the context that gives a
  condition word its everyday sense), ``links`` (claim verbs, targeting phrases), ``framing``
  (cautions, disclaimers, hedges), ``drugs``, ``approval``, ``mechanisms``, ``promises``.
- the engine: ``document`` (normalised text mapped back to the original, sentences,
  clauses), ``patterns`` (how a term list becomes one regex), ``mentions`` (condition
  mentions and what ties them to the product), ``sentence`` (what every step asks of a
  sentence), ``health`` (the named health-claim steps of a sentence), ``fact_check``
  (promises against ``CopyFacts``), ``findings`` and ``spans``.

A new family of claims is a new lexicon module plus one named step in ``health``; new
wording for an existing family is an edit to its lexicon module only.
"""
