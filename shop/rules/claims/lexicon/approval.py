"""Medical approval and proof: endorsements, certifications and studies of a health effect."""

import re

from shop.rules.claims.patterns import ci, words

# Approval and proof of a health effect.
_MEDICAL_PEOPLE = (r"(?:doctors?|dr\.?|physicians?|cardiologists?|orthop(?:a)?edi(?:c|st)s?|"
                   r"chiropractors?|physios?|physiotherapists?|physical\s+therapists?|therapists?|"
                   r"psychiatrists?|psychologists?|neurologists?|nurses?|pediatricians?|"
                   r"paediatricians?|dietitians?|dermatologists?|"
                   r"medical\s+(?:professionals|experts|doctors)|"
                   r"health(?:care)?\s+(?:professionals|experts|providers)|clinicians?|"
                   r"surgeons?|gps?)")
_APPROVAL_VERBS = (r"(?:recommended|approved|designed|developed|trusted|endorsed|certified|"
                   r"tested|formulated|backed|preferred|prescribed|created|used|loved|vetted|"
                   r"reviewed|validated)")
_HEALTH_BODIES = (r"(?:medical|psychiatric|psychological|heart|diabetes|cancer|arthritis|health|"
                  r"physiotherapy|physical\s+therapy|chiropractic|orthop(?:a)?edic|cardiology|"
                  r"lung|stroke|sleep|nursing|pediatrics|paediatrics|alzheimer'?s|obesity|"
                  r"osteopathic|hospital)")
APPROVAL_STRONG = [
    r"medically\s+(?:approved|necessary|proven|tested|recommended|certified|endorsed|validated|"
    r"reviewed|backed|sound)",
    r"(?:medical|hospital|clinical|clinic|pharmaceutical|pharma|therapeutic)[- ]grade",
    r"(?:a\s+|class\s+\w+\s+)?medical\s+devices?",
    r"clinically\s+(?:proven|shown|validated|demonstrated|documented|backed|effective)",
    r"clinical\s+(?:trials?|studies|study|research|evidence|data|results|tests?)",
    _MEDICAL_PEOPLE + r"['\s-]*" + _APPROVAL_VERBS,
    _APPROVAL_VERBS + r"\s+by\s+(?:\w+\s+){0,3}?" + _MEDICAL_PEOPLE,
    r"(?:doctors|physicians|cardiologists|therapists|experts)\s+(?:agree|recommend|say|love|"
    r"trust|approve|prescribe|swear)",
    r"(?:(?-i:Dr)\.?\s+[A-Z][a-z]+|(?:my|our|your)\s+(?:doctor|physician|gp|cardiologist|"
    r"physio|therapist))\s+(?:recommends|says|approves|prescribes|swears|told\s+me|endorses|"
    r"loves|trusts)",
    r"(?:recommended|endorsed|approved|backed|certified)\s+by\s+(?:the\s+)?"
    r"(?:(?-i:WHO|CDC|NHS|NIH|NICE)|"
    r"world\s+health\s+organi[sz]ation|mayo\s+clinic|cleveland\s+clinic)",
    r"(?:hsa|fsa)(?:\s*/\s*(?:hsa|fsa))?[- ]eligible", r"iso\s+13485",
    r"fda(?:[- ]|\s+)?(?:approved|cleared|registered|listed|certified|compliant|approval|"
    r"clearance)",
    r"(?:approved|cleared|registered|certified)\s+by\s+the\s+(?:fda|food\s+and\s+drug\s+"
    r"administration)",
    r"(?:endorsed|approved|recommended|certified|backed|accredited)\s+by\s+(?:the\s+)?"
    r"(?:\w+\s+){0,3}?" + _HEALTH_BODIES + r"\s+(?:\w+\s+)?(?:association|society|college|"
    r"academy|foundation|institute|organi[sz]ation|council|board|service)",
    r"(?:in|by|at)\s+(?:\w+\s+){0,2}?(?:hospitals|hospital\s+wards|medical\s+clinics|care\s+homes|"
    r"nursing\s+homes)",
    r"(?:use|uses|used|trusted|found|recommended|relied\s+on|chosen)\s+(?:in|by)\s+(?:\w+\s+){0,2}?"
    r"(?:hospitals?|clinics?|rehab(?:ilitation)?\s+(?:clinics?|cent(?:er|re)s?)|"
    r"physical\s+therapy\s+clinics?|physiotherapy\s+clinics?|care\s+homes|nursing\s+homes)",
]
APPROVAL_EFFECT = [   # block only with a health effect in the sentence, else review/ignore
    r"(?:scientifically|science|research|evidence|clinically|lab)[- ](?:proven|backed|based|"
    r"supported|tested|studied|researched)",
    r"backed\s+by\s+(?:science|research|studies|scientific\s+evidence|data)",
    r"proven\s+by\s+(?:science|research|studies)",
    r"(?:studies|research|science|(?:a|one|new|recent|landmark|the)\s+(?:\w+\s+)?study|trials|"
    r"data|evidence|scientists|researchers)\s+(?:show|shows|showed|shown|prove|proves|proved|"
    r"proven|found|finds|suggest|suggests|confirm|confirms|confirmed|demonstrate|demonstrates|"
    r"demonstrated|has\s+shown|have\s+shown|indicates?|reveals?|revealed)",
    r"(?:proven|shown|demonstrated)\s+(?:in\s+(?:clinical\s+)?(?:trials|studies)\s+)?to",
    r"peer-reviewed\s+(?:study|studies|research|trials?)",
    r"according\s+to\s+(?:a\s+|the\s+|new\s+|recent\s+)?(?:\w+\s+)?(?:study|studies|research|"
    r"scientists|researchers|doctors|(?-i:CDC|WHO|NIH|NHS))",
]
# Misspellings: dropped or doubled letters in the approval words, as the conditions tolerate
# ("Medicaly aproved", "Clinnically prooven", "Reccomended").
TYPO_TOLERANT = {
    "medically": r"med+ic+al+y", "clinically": r"clin+i?c+al+y", "approved": r"ap+rove?d",
    "proven": r"pro+ven", "recommended": r"rec+om+[ae]nded",
}
_TYPO_RE = re.compile("|".join(TYPO_TOLERANT))


def tolerate_typos(term: str) -> str:
    """The term with each approval word replaced by its misspelling-tolerant pattern."""
    return _TYPO_RE.sub(lambda m: TYPO_TOLERANT[m.group()], term)


APPROVAL_STRONG = [tolerate_typos(term) for term in APPROVAL_STRONG]
APPROVAL_EFFECT = [tolerate_typos(term) for term in APPROVAL_EFFECT]
APPROVAL_STRONG_RE = ci(words(*APPROVAL_STRONG))
APPROVAL_EFFECT_RE = ci(words(*APPROVAL_EFFECT))
HEALTH_EFFECT_RE = ci(
    r"\b(?:treat\w*|prevent\w*|cur(?:e|es|ed|ing)|reliev\w*|heal\w*|risk|"
    r"symptoms?|health\w*|mood|brain|heart(?![\s-]*rate)|blood|sleep|stress|anxi\w*|"
    r"depress\w*|longevity|"
    r"live\s+longer|mortality|pain|cholesterol|immun\w*|mental\w*|cognitiv\w*|memory|"
    r"hormon\w*|inflamm\w*|diseases?|conditions?|recovery|calm\w*|happier|well-?being|"
    r"wellness|energy|fatigue|aging|ageing|weight|fat|metaboli\w*|bones?|joints?|"
    r"lifespan|medical|therap\w*)\b")

APPROVAL_CAUTION_LEFT_RE = ci(r"\b(?:unless|until|once|without|after|if)\s+(?:\w+\s+)?$")

MEDICAL_PERSON_RE = ci(
    r"\b(?:(?-i:Dr)\.?\s+[A-Z][a-z]+|(?:doctors?|physicians?|cardiologists?|physio(?:therapist)?s?|"
    r"chiropractors?|psychiatrists?|psychologists?|neurologists?|surgeons?|nurses?|gps?|"
    r"therapists?|counsell?ors?)\b(?!-))")
ENDORSE_VERB_RE = ci(r"\b(?:says?|said|recommends?|recommended|swears?|loves?|uses|trusts?|"
                     r"approves?|approved|endorses?|prescribes?|prescribed|told|calls?\s+it|"
                     r"rates?|noticed|saw\s+the\s+difference|was\s+amazed|impressed)\b")
