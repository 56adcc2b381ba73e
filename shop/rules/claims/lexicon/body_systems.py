"""Structure/function claims: a change verb aimed at a named organ, gland, brain region, part of
the nervous system or body system ("grows your hippocampus", "rebalances your adrenal glands",
"repairs your cartilage"). Anatomy and verbs are two lexicons joined by ``health``; general
fitness (muscles, balance, mobility, stamina, heart rate) names none of these systems.
"""

from shop.rules.claims.patterns import ci, words

_BRAIN = [
    r"(?:pre-?)?frontal\s+(?:cortex|lobes?)", r"(?:cerebral\s+|motor\s+)?cortex", r"hippocamp\w*",
    r"amygdalae?", r"cerebellum", r"brain\s?stem", r"hypothalamus", r"thalamus",
    r"(?:gr[ae]y|white)\s+matter", r"neural\s+(?:pathways?|connections?|circuits?|networks?)",
    r"synap(?:ses|se|tic\s+\w+)", r"brain(?:'s)?(?:\s+(?:cells?|tissue|volume|structure|"
    r"regions?|connections?|circuits?|wiring|function(?:ing)?))?",
]
_GLANDS = [
    r"(?:adrenal|pituitary|thyroid|pineal|endocrine)(?:\s+glands?)?", r"adrenals", r"glands?",
    r"endocrine\s+system", r"hormon(?:e|al)\s+(?:system|balance|axis)", r"hpa\s+axis",
    r"pancrea(?:s|tic\s+function)", r"metabolic\s+(?:system|function)",
]
_NERVES = [
    r"(?:autonomic|parasympathetic|sympathetic|central|peripheral)\s+(?:nervous\s+)?"
    r"(?:system|branch|tone|response)", r"nervous\s+system", r"vagus\s+nerve", r"vagal\s+tone",
    r"heart[- ]rate\s+variability", r"hrv", r"stress\s+response",
]
_ORGANS = [
    r"immune\s+(?:system|defen[cs]es|function|cells?|response|health)", r"lymph(?:atic)?\w*",
    r"liver(?:\s+(?:function|enzymes|health|cells))?", r"kidneys?(?:\s+function)?",
    r"renal\s+function", r"(?:gut|intestinal|digestive)\s+(?:lining|flora|bacteria|health|"
    r"barrier|function|system)", r"lining\s+of\s+(?:your|the)\s+gut", r"microbiome",
    r"intestines?", r"colon", r"bowels?", r"arter(?:y|ies)", r"blood\s+vessels?", r"veins",
    r"blood\s+flow\s+to\s+(?:your\s+|the\s+)?\w+", r"circulation\s+to\s+(?:your\s+|the\s+)?\w+",
    r"(?:internal\s+|vital\s+)?organs", r"bone\s+marrow", r"dna",
]
# Joints, cartilage and the bare "gut": padding and low impact "protect your joints" (a product
# feature) and crunches "tone your gut" (fitness), so only a structural change (repair,
# rebuild, regrow, heal) is a claim about them.
STRUCTURE_ONLY_TERMS = [r"cartilage", r"joints?(?:\s+(?:tissue|lining|fluid))?",
                        r"synovial\s+fluid", r"meniscus", r"ligaments?", r"tendons?",
                        r"spinal\s+discs?", r"discs?", r"gut"]
ANATOMY_TERMS = _BRAIN + _GLANDS + _NERVES + _ORGANS
ANATOMY_RE = ci(words(*ANATOMY_TERMS))
STRUCTURE_ONLY_RE = ci(words(*STRUCTURE_ONLY_TERMS))

# Change verbs: what copy claims to do to the inner workings of an organ or system.
STRUCTURAL_VERBS = [
    r"(?:re)?grow(?:s|ing|n)?", r"grew", r"repair\w*", r"rebuild\w*", r"rebuilt",
    r"regenerat\w*", r"heal(?:s|ed|ing)?", r"restor\w*", r"revers\w*", r"renew\w*",
    r"lubricat\w*", r"thicken\w*", r"unclog\w*", r"clean(?:s|se|ses|sed|sing)?\s+out",
    r"clear(?:s|ed|ing)?\s+out", r"detox\w*", r"shrink\w*", r"rewir\w*",
]
CHANGE_VERBS = STRUCTURAL_VERBS + [
    r"calm\w*", r"(?:re)?balanc\w*", r"boost\w*", r"normali[sz]\w*", r"reset\w*", r"stimulat\w*",
    r"ton(?:e|es|ed|ing)", r"strengthen\w*", r"activat\w*", r"regulat\w*", r"optimi[sz]\w*",
    r"improv\w*", r"increas\w*", r"rais(?:e|es|ed|ing)", r"enhanc\w*", r"lower(?:s|ed|ing)?",
    r"protect\w*", r"support(?:s|ed|ing)?", r"nourish\w*", r"recharg\w*", r"rejuvenat\w*",
    r"re-?energi[sz]\w*", r"soothe?s?", r"quiet(?:s|en\w*)?", r"switch(?:es)?\s+on",
    r"turn(?:s)?\s+on", r"wak(?:e|es)\s+up", r"flush\w*", r"purif\w*", r"fortif\w*",
    r"keep(?:s|ing)?",
]
STRUCTURAL_VERB_RE = ci(words(*STRUCTURAL_VERBS))
CHANGE_VERB_RE = ci(words(*CHANGE_VERBS))
# The organ first, then what happens to it ("your gut heals", "the hippocampus grows").
AFTER_VERB_RE = ci(r"^(?:'s\s+\w+\s+|\s+)(?:(?:is|are|gets?|will|can|starts?\s+to)\s+)?"
                   + words(*STRUCTURAL_VERBS, r"recover\w*", r"rebalanc\w*", r"calm\w*\s+down",
                           r"reset\w*", r"works?\s+better", r"function\w*\s+better"))
# Between the verb and the organ: a few words, none that start another thought.
GAP_BARRIER_RE = ci(r"[,;:.!?]|\b(?:and\s+(?:your|the)\s+(?:legs?|arms?|core|glutes?|back|"
                    r"muscles?)|with|while|so|because|but|than|when|if)\b")
MAX_GAP_WORDS = 6
