"""Body-chemistry mechanisms (serotonin, cortisol, hormones, inflammation, ...), and the weak
medical signals ("heals", a bare "clinical") that are sent to review."""

from shop.rules.claims.patterns import ci, words

# Body-chemistry mechanisms.
MECHANISM_TERMS = [
    r"s[ei]r[ao]ton[ie]ne?", r"dopamin(?:e|es)?", r"endorph[ie]ne?s?", r"endorfine?s?",
    r"bdnf", r"brain[- ]derived\s+neurotrophic(?:\s+factor)?", r"cort[ie]sol",
    r"testoster[oa]ne?", r"(?:human\s+)?growth\s+hormones?", r"hgh",
    r"(?:(?:stress|feel[- ]good|happy|happiness|sex|thyroid)\s+)?hormon(?:e|es|al)",
    r"o?estrogen", r"oxytocin", r"melatonin", r"insulin(?:\s+sensitivity|\s+levels?)?",
    r"leptin", r"ghrelin", r"neurotransmitters?", r"endocannabinoids?", r"neurochemi\w+",
    r"brain\s+chemi(?:stry|cals?)", r"(?:happy|feel[- ]good)\s+chemicals?",
    r"inflammat(?:ion|ory)(?:\s+markers?)?", r"anti-?inflammatory", r"crp",
    r"rewir(?:e|es|ed|ing)\s+(?:your\s+|the\s+)?(?:brain|mind|nervous|neural|neurons|body)",
    r"neuroplasticity", r"neurogenesis",
    r"(?:new\s+)?brain\s+cells", r"neurons?", r"(?:central\s+|autonomic\s+|parasympathetic\s+|"
    r"sympathetic\s+)?nervous\s+system", r"vagus\s+nerve", r"vagal\s+tone",
    r"fight[- ]or[- ]flight", r"toxins?", r"(?<!digital\s)detox\w*",
    r"immune\s+(?:system|response|function)",
    r"immunity", r"free\s+radicals", r"oxidative\s+stress", r"telomeres?",
    r"dopamine\s+receptors?", r"gaba", r"norepinephrine", r"noradrenaline", r"mitochondria\w*",
    r"nitric\s+oxide", r"ketones", r"ketosis", r"autophagy", r"stem\s+cells", r"collagen",
    r"growth\s+factors?", r"igf-?1", r"brain\s?waves", r"alpha\s+waves", r"libido", r"sex\s+drive",
    r"reset(?:s|ting)?\s+your\s+(?:brain|nervous\s+system|hormones|metabolism)",
    r"cleans(?:e|es|ing)\s+your\s+(?:body|system|blood|lymph|organs|liver)",
    r"cellular\s+(?:repair|regeneration|renewal|ag(?:e)?ing|health)",
    r"lymphatic\s+(?:system|drainage)",
    # chemistry that names no chemical ("release its reward chemicals", "its level in the brain")
    r"(?:its|their|your\s+(?:body|brain)'?s)\s+(?:own\s+)?(?:natural\s+)?"
    r"(?:(?:feel[- ]good|reward|happy|happiness|calming|pleasure|mood|stress|pain[- ]?killing)\s+)?"
    r"(?:chemicals?|compounds?|molecules?|messengers?)",
    r"(?:feel[- ]good|reward|happy|calming|pleasure|mood[- ]boosting)\s+(?:signals?|compounds?|"
    r"molecules?|messengers?)", r"chemical\s+messengers?",
    r"(?:chemicals?|compounds?|chemistry)\s+(?:in|of)\s+(?:your|the)\s+(?:brain|head|body|"
    r"bloodstream|blood|nervous\s+system)",
    r"(?:its|their)\s+levels?\s+in\s+(?:your|the)\s+(?:brain|blood|body|bloodstream)",
]
MECHANISM_RE = ci(words(*MECHANISM_TERMS))

MATERIAL_RE = ci(r"\b(?:free\s+(?:of|from)|\w+-free|non-?toxic|phthalates?|bpa|latex|pvc|"
                 r"materials?|rubber|foam|odou?rs?|coatings?|paints?|vinyl|plastics?)\b")

# Weak signals on their own.
HEAL_RE = ci(r"(?<![-\w])(?<!self-)(?<!self\s)\bheal(?:s|ed|ing|er|ers)?\b")
SELF_HEAL_RE = ci(r"self[- ]$")
CLINICAL_RE = ci(r"\bclinical\b(?!\s+(?:trials?|studies|study|research|evidence|data|results|"
                 r"tests?|depression)\b)(?![- ]grade)")
