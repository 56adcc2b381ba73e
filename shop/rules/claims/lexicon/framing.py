"""Caution and disclaimer framing: sentences that warn people with a condition, and
negations that neutralise a clause unless a hedge undercuts them."""

from shop.rules.claims.patterns import ci, words

# Caution framing: the sentence tells people with a condition to take care.
_DOCTORS = (r"(?:doctor|physician|gp|cardiologist|healthcare|health\s+care|medical|physio\w*|"
            r"physical\s+therapist|midwife|specialist|pharmacist|nurse|obstetrician|"
            r"health\s+professional)")
CAUTION_CUES = [
    r"consult(?:s|ed|ing)?",
    r"ask\s+(?:your|a|their|his|her)\s+" + _DOCTORS,
    r"(?:talk|speak|check)(?:ing)?\s+(?:to|with)\s+(?:your|a|their|his|her)\s+(?:\w+\s+)?"
    + _DOCTORS,
    r"seek\s+(?:medical|professional)", r"medical\s+(?:clearance|advice|supervision|attention|"
    r"professional|guidance|approval)",
    r"cleared\s+(?:to\s+exercise\s+)?by\s+(?:a|your)\s+(?:doctor|physician)",
    r"(?:doctor|physician|gp)'?s\s+(?:approval|permission|clearance|advice|consent|ok)",
    r"not\s+(?:suitable|recommended|advised|safe|for\s+use)", r"unsuitable",
    r"should\s+not", r"shouldn't", r"must\s+not",
    r"(?:should|must)\s+(?:first\s+|always\s+|still\s+)?(?:consult|check|avoid|stop|speak|talk|"
    r"ask|seek|monitor|obtain|get\s+(?:medical|clearance|approval|advice|checked|the\s+ok)|"
    r"start\s+(?:slowly|on|with|at|gently)|begin\s+(?:slowly|with|at|gently)|use\s+caution|"
    r"take\s+care|be\s+(?:careful|cautious|supervised|cleared))",
    r"do\s+not\s+use", r"don't\s+use", r"never\s+use", r"avoid\s+(?:using|use|this)",
    r"stop\s+(?:exercising|using|immediately|training)",
    r"before\s+(?:use|using|starting|beginning|you\s+start|exercising|training)",
    r"with\s+caution", r"use\s+caution", r"under\s+(?:medical\s+)?supervision",
    r"get\s+(?:medical\s+)?clearance", r"contraindicated", r"at\s+your\s+own\s+risk",
    r"healthcare\s+professional", r"health\s+care\s+(?:professional|provider)",
]
CAUTION_RE = ci(words(*CAUTION_CUES))

# Disclaimer negations: the clause after the cue is neutralised.
NEGATION_RE = ci(
    r"\b(?:(?:is|are|was|it's|it\s+is|isn't|aren't)\s+)?not\s+(?:intended|meant|designed|"
    r"a\s+(?:substitute|replacement|treatment|cure|remedy|medical|medicine|therapy|drug)|"
    r"an?\s+alternative\s+to|medical|evaluated|approved\s+by\s+the\s+fda|to\s+be\s+used\s+as|"
    r"(?:diagnose|treat|cure|prevent))"
    r"|\bno\s+(?:medical\s+|health\s+)?claims?\b|\bmakes?\s+no\s+\w*\s*claims?"
    r"|\b(?:do|does|did)\s*(?:not|n't)\s+(?:make\s+(?:any\s+)?(?:medical|health)\s+claims?|"
    r"diagnose|treat|cure|prevent|claim|replace)"
    r"|\b(?:don't|doesn't|didn't)\s+(?:make\s+(?:any\s+)?(?:medical|health)\s+claims?|diagnose|"
    r"treat|cure|prevent|claim|replace)"
    r"|\bhave\s+not\s+been\s+evaluated|\bnothing\s+(?:on|in)\s+this\s+\w+\s+is"
    r"|\bnot\s+(?:doctors|a\s+doctor|medical\s+professionals)|\bnor\s+(?:diagnose|treat|cure)"
    r"|\bnever\s+(?:a\s+)?(?:substitute|replacement)\s+for"
    r"|\b(?:won't|will\s+not|can't|cannot|can\s+not|couldn't|wouldn't)\s+(?:\w+\s+)?"
    r"(?:diagnose|treat|cure|prevent|fix|heal|replace)")
NOT_JUST_RE = ci(r"\bnot\s+(?:just|only|merely|simply)\b|\bisn't\s+(?:just|only)\b|"
                 r"\bmore\s+than\s+just\b")
HEDGE_SEP_RE = ci(r"\b(?:but|yet|though|however)\b|[,;\u2014\u2013]")
HEDGE_WORDS_RE = ci(
    r"\b(?:comes?\s+(?:\w+\s+)?close|almost|nearly|practically|pretty\s+much|next\s+best|"
    r"just\s+as\s+good|might\s+as\s+well|close\s+enough|as\s+good\s+as|does\s+the\s+job|"
    r"works?\s+(?:just\s+)?as\s+well|even\s+better|(?:it'?s|it\s+is)\s+better|works?\s+better|"
    r"more\s+effective|even\s+more)\b"
    r"|\bhelps?\b(?:\s+(?:a\s+lot|with\s+(?:it|that|them|this)))?[\s.!\"')]*$")
