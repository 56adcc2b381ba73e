"""Claim verbs and targeting phrases: the words that tie a condition to the product."""

import re

from shop.rules.claims.patterns import ci, words

CLAIM_VERBS = (
    r"treat(?:s|ed|ing|ments?)?", r"cur(?:e|es|ed|ing)", r"prevent(?:s|ed|ing|ion|ive)?",
    r"reliev(?:e|es|ed|ing)", r"relief", r"eas(?:e|es|ed|ing)", r"manag(?:e|es|ed|ing|ement)",
    r"revers(?:e|es|ed|ing)", r"heal(?:s|ed|ing)?", r"recover(?:s|ed|ing|y)?(?:\s+from)?",
    r"fight(?:s|ing)?", r"fought", r"beat(?:s|ing)?", r"combat(?:s|ted|ting)?",
    r"control(?:s|led|ling)?", r"lower(?:s|ed|ing)?", r"reduc(?:e|es|ed|ing|tion)",
    r"cut(?:s|ting)?", r"slow(?:s|ed|ing)?", r"stave(?:s|d)?\s+off", r"eliminat\w*",
    r"kick(?:s|ed|ing)?", r"overc[oa]m\w*", r"conquer\w*", r"alleviat\w*", r"sooth\w*",
    r"calm(?:s|ed|ing)?", r"banish\w*", r"get(?:ting)?\s+rid\s+of", r"goodbye\s+to",
    r"free\s+(?:yourself\s+|you\s+)?(?:from|of)", r"break\s+free\s+(?:from|of)",
    r"cop(?:e|es|ing)\s+with", r"deal(?:s|ing)?\s+with", r"end(?:s|ed|ing)?",
    r"stop(?:s|ped|ping)?", r"lessen\w*", r"diminish\w*", r"regulat\w*", r"defeat\w*",
    r"protect(?:s|ing)?\s+(?:you\s+)?against", r"ward(?:s|ing)?\s+off", r"risk\s+of",
    r"remed(?:y|ies)\s+for", r"resolv\w*", r"help(?:s|ed|ing)?\s+(?:with|against)",
    r"improv(?:e|es|ed|ing)", r"clear(?:s|ed|ing)?\s+up", r"decompress\w*",
    r"rehab\w*", r"therapy\s+for", r"medicine\s+for", r"cure\s+for", r"aid(?:s|ing)?\s+in",
    r"against", r"after(?:\s+(?:a|an|your|their))?", r"regain\w*", r"rid\s+of",
    r"say\s+no\s+to", r"no\s+more", r"way\s+out\s+of", r"escape\w*", r"outrun",
    r"counteract\w*", r"offset\w*", r"minimi[sz]\w*", r"tackl\w*", r"address\w*",
    r"melt(?:s|ed|ing)?\s+away", r"shak(?:e|es|ing)\s+off", r"work(?:s|ed|ing)?\s+through",
    r"lift(?:s|ed|ing)?\s+(?:you\s+)?out\s+of", r"help(?:s|ed|ing)?", r"support(?:s|ed|ing)?",
    r"reliev(?:e|es|ed|ing)?\s+from", r"bounce\s+back\s+from", r"get\s+over",
    r"outgrow\w*", r"free\s+of", r"symptoms?\s+of", r"fix(?:es|ed|ing)?", r"repair(?:s|ed|ing)?",
    r"restor(?:e|es|ed|ing)", r"undo(?:es|ne|ing)?", r"eras(?:e|es|ed|ing)", r"wipe[sd]?\s+out",
    r"knock(?:s|ed|ing)?\s+out", r"crush(?:es|ed|ing)?", r"put(?:s|ting)?\s+an\s+end\s+to",
    r"(?:keep|keeps|keeping)",  # "keep Alzheimer's at bay" (right side checked too)
    # the course of a disease, and dependence on a substance
    r"halt(?:s|ed|ing)?", r"delay(?:s|ed|ing)?", r"arrest(?:s|ed|ing)?",
    r"turn(?:s|ing)?\s+back\s+the\s+clock\s+on", r"break(?:s|ing)?", r"broke",
    r"replac(?:e|es|ed|ing)", r"trad(?:e|es|ed|ing)", r"swap(?:s|ped|ping)?",
    r"wean(?:s|ed|ing)?(?:\s+(?:yourself|myself|themselves|himself|herself|you|me|them))?\s+off",
    r"(?:get|gets|got|getting|stay|stays|stayed|staying)\s+off",
)
TARGETING = (
    r"for", r"with", r"who\s+(?:have|has|had)", r"suffer(?:s|ed|ing)?\s+from",
    r"sufferers\s+of", r"living\s+with", r"live(?:s)?\s+with", r"battl(?:e|es|ed|ing)",
    r"struggl(?:e|es|ed|ing)\s+with", r"diagnosed\s+with", r"affected\s+by", r"prone\s+to",
    r"at\s+risk\s+(?:of|for)", r"channel\s+your", r"your",
)
CUE_RE = ci(words(*CLAIM_VERBS) + "|" + words(*TARGETING))
STRONG_CUE_RE = ci(r"^" + words(*CLAIM_VERBS) + r"$")
PASSIVE_LEFT_RE = ci(r"\b(?:being|been|are|is|was|were|get|gets|got|getting|be)\s+$")
RIGHT_CUE_RE = ci(
    r"[\s-]*(?:relief|recovery|management|rehab\w*|treatment|patients?|sufferers?|"
    r"survivors?|at\s+bay|disappears?|disappeared|vanish\w*|lift(?:s|ed|ing)?|goes\s+away|"
    r"go\s+away|gone|melts?\s+away|fades?|free\b|no\s+more|is\s+history|hold\s+you\s+back|"
    r"symptoms?|behind)\b")
BARRIER_RE = ci(r"\b(?:if|when|whenever|unless|before|whether|until|while|because|so|who|"
                r"which|that|should|must|may|might)\b")
GAP_WORD_RE = re.compile(r"[A-Za-z0-9']+")

INHERENT_CLAIM_RE = ci(
    r"^(?:quit|quitting|stop|stopping|kick|kicking|give|giving|stay|staying|stays|keep|keeping|"
    r"natural|miracle|cure-?all|what\s+ails|(?:people|those|anyone|someone|folks|members|men|"
    r"women|veterans|adults|friends)\s)")

TARGET_SUFFIX_RE = ci(r"\s(?:patients?|sufferers?|survivors?|recovery|rehab\w*|relief)$")

# "keep" is a claim verb only with "at bay" or "away" after the condition.
KEEP_RE = ci(r"keep")
AT_BAY_RE = ci(r"\b(?:at\s+bay|away)\b")
