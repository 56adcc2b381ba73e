"""What the claims checker looks for: term lists and context patterns, one module per family.

Terms are regular-expression fragments matched case-insensitively between word boundaries
(``patterns.words``). Standard library only; nothing here decides a finding.
"""
