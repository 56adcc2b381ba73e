"""Medication and therapy: drugs, treatments and health professionals the product must not be
compared with."""

from shop.rules.claims.patterns import ci, words

# Drug and therapy comparisons.
DRUG_TERMS = [
    r"anti-?depressants?", r"anti-?anxiety\s+(?:meds|medications?|drugs|pills)",
    r"xanax", r"prozac", r"zoloft", r"lexapro", r"valium", r"ativan", r"klonopin", r"wellbutrin",
    r"ritalin", r"adderall", r"concerta", r"ambien", r"ozempic", r"wegovy", r"metformin",
    r"statins?", r"ibuprofen", r"advil", r"tylenol", r"paracetamol", r"aspirin", r"oxycodone",
    r"viagra", r"cialis", r"benzos?", r"benzodiazepines?", r"ssris?", r"lithium",
    r"side[- ]effects?", r"pills?", r"meds", r"medications?", r"medicinal",
    r"medicines?(?!\s*-?\s*balls?)", r"prescri(?:ption|ptions|be|bes|bed|bing)(?:-strength)?",
    r"drugs?(?:-free)?", r"pharmaceuticals?", r"pharmacy",
    r"(?:self-?)?medicat(?:e|es|ed|ing)", r"steroids?",
    r"(?:weight[- ]loss\s+)?(?:injections|jabs)", r"beta[- ]blockers?", r"inhalers?",
    r"(?:medical|natural|drug-free|alternative)\s+treatments?", r"painkillers?", r"pain\s*killers?",
    r"pain relievers?", r"tranquili[sz]ers?",
    r"sedatives?", r"mood stabili[sz]ers?", r"sleep(?:ing)?\s+(?:pills|tablets|aids?)",
    r"natural\s+(?:remedy|remedies|alternative\s+to\s+\w+|medicine|treatment)",
    r"(?:(?:talk|cognitive|behavio(?:u)?ral|group|psycho|physical|light|massage|cold|heat|"
    r"percussive|percussion|vibration)\s+)?therap(?:y|ies)",
    r"physiotherapy", r"physio(?![\s-]*balls?)", r"therapeutic(?:ally)?",
]
DRUG_RE = ci(words(*DRUG_TERMS))
THERAPY_WEAK_RE = ci(r"^(?:(?:physical|massage|cold|heat|percussive|percussion|vibration|light)"
                     r"\s+)?therap(?:y|ies)$|^physio(?:therapy)?$|^therapeutic(?:ally)?$")
COMPARISON_RE = ci(
    r"\b(?:than|instead\s+of|alternative\s+to|replac\w*|ditch\w*|swap\w*|instead|"
    r"off\s+(?:your|the)|"
    r"no\s+need\s+for|without|none\s+of|no\b|like|as\s+(?:effective|good|well|powerful)\s+as|"
    r"it'?s|is|your|natural|nature'?s|cheaper|better|works?|every|dose)\b")

STRICT_COMPARISON_RE = ci(
    r"\b(?:than|instead\s+of|alternative\s+to|replac\w*|ditch\w*|swap\w*|trade\w*|skip\w*|"
    r"off\s+(?:your|the)|no\s+need\s+for|none\s+of|as\s+(?:effective|good|well|powerful)\s+as|"
    r"better|cheaper|forget|who\s+needs|like)\b")
RETAIL_LEFT_RE = ci(r"\bretail\s+$")
FOR_NEXT_RE = ci(r"\s+for\b")
THERAPY_COMPARISON_LEFT_RE = ci(r"\b(?:than|instead\s+of|alternative\s+to|as\s+\w+\s+as|it'?s|is|"
                                r"like)\s+(?:\w+\s+)?$")

COACHING_RE = ci(r"\b(?:coach\w*|trainers?|program(?:me)?s?|programming|wods?|sets|reps)\b")

PROFESSIONAL_RE = ci(r"\b(?:psychiatrists?|psychologists?|(?:talk\s+)?therapists?|counsell?ors?|"
                     r"shrinks?|"
                     r"doctors?|gps?|physios?|physiotherapists?|chiropractors?)\b")
BEYOND_MEDICINE_RE = ci(
    r"\b(?:doctors?|physicians?|medicine|medications?|meds|pills|drugs|therapy|therapists?)\s+"
    r"(?:can't|cannot|couldn't|won't|failed\s+to|never\s+could)\b")
PROFESSIONAL_COMPARISON_RE = ci(
    r"\b(?:than|instead\s+of|replac\w*|like|as\s+\w+\s+as|skip\w*|ditch\w*|cancel\w*|fire|"
    r"your\s+new|no\s+need\s+for|save\s+on|who\s+needs|forget|swap\w*|trade\w*|alternative\s+to)"
    r"\s+(?:\w+\s+){0,2}$")
