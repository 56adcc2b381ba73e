"""Conditions: diseases, disorders and symptoms, with the context that tells their
everyday sense apart ("trauma to the floor", "depress the lever", "one stroke at a time")."""

from shop.rules.claims.patterns import ci, words

_BODY = (r"(?:lower[- ])?(?:back|neck|shoulder|knee|hip|joint|wrist|hand|elbow|ankle|foot|feet|"
         r"heel|leg|nerve|sciatic|pelvic|jaw|spine|spinal)s?")
_BODY_LIST = _BODY + r"(?:\s*(?:,|and|or|&|/)\s*" + _BODY + r"){0,4}"   # bounded: linear time

CONDITION_TERMS = [
    # mental health
    r"post[- ]?traumatic(?:\s+stress)?(?:\s+disorder)?", r"p\.?\s?t\.?\s?s\.?\s?d(?:\b\.?|(?=s\b))",
    r"traumatic brain injur(?:y|ies)", r"(?:emotional|childhood|psychological)\s+trauma",
    r"traumas?", r"traumati[sz]ed",
    r"(?:post[- ]?(?:natal|partum)\s+|clinical\s+|major\s+|manic\s+|seasonal\s+|teen\s+|"
    r"chronic\s+)?de?p+res+i?ons?", r"depressed",
    r"depressive(?:\s+(?:symptoms|episodes?|disorder))?",
    r"an(?:x|kx|xs)[ie]{0,2}t(?:y|ies)(?:\s+disorders?|\s+attacks?)?",
    r"panic\s+(?:attacks?|disorders?)", r"phobias?",
    r"a\.?d\.?h\.?d\b", r"(?-i:ADD)(?!\s+(?:to|TO|To|on|ON|a|A|it|IT)\b)",
    r"attention[- ]deficit(?:\s+(?:hyperactivity\s+)?disorder)?",
    r"hyperactivity", r"ocd", r"obsessive[- ]compulsive(?:\s+disorder)?",
    r"autis(?:m|tic)", r"asperger'?s?", r"on the (?:autism\s+)?spectrum",
    r"bipolar(?:\s+disorder)?", r"schizophreni\w*", r"psychos[ie]s", r"psychotic",
    r"mental (?:illness(?:es)?|disorders?|breakdowns?)",
    r"mental[- ]health (?:conditions?|issues?|problems?|disorders?|struggles?|crisis|crises)",
    r"suicid\w*", r"self[- ]harm\w*", r"seasonal affective(?:\s+disorder)?",
    r"eating disorders?", r"anorexi\w*", r"bulimi\w*", r"binge[- ]eating",
    r"ins[ao]m+(?:n?i|i?n)a(?:cs?)?", r"sleep (?:disorders?|apn(?:o)?ea)", r"apn(?:o)?ea",
    r"restless legs?(?:\s+syndrome)?", r"narcolepsy",
    r"dem[ae]nt[ui]?a", r"alz?h?[ei]{1,2}m[ei]?r(?:'?s)?(?:\s+disease)?",
    r"park[ie]ns[oe]n(?:'?s)?(?:\s+disease)?",
    r"cognitive (?:decline|impairment|dysfunction)", r"mental decline", r"memory (?:loss|decline)",
    r"brain fog", r"senility", r"senile", r"cognition",
    r"age-related\s+(?:cognitive\s+|mental\s+|memory\s+|brain\s+|muscle\s+)?(?:decline|loss)",
    r"sarcopenia", r"frailty", r"brain\s+health", r"cognitive\s+(?:function|health)",
    r"neuro-?diver(?:gent|gence|se|sity)", r"dyslexi\w*", r"dyspraxi\w*", r"tourette'?s?",
    r"nervous\s+breakdowns?", r"burn-?out", r"mental[- ]health",
    # the course of a disease, named or not ("slows neurodegeneration", "brain shrinkage")
    r"neuro-?degenerat\w*(?:\s+(?:decline|diseases?|disorders?|conditions?))?",
    r"(?:ag(?:e)?ing|shrinking|declining)\s+brains?",
    r"brain\s+(?:ag(?:e)?ing|shrinkage|shrinking|atrophy|degeneration|decline)",
    r"brain\s+from\s+(?:shrinking|ag(?:e)?ing|declining|degenerating)",
    r"(?:neuron|neuronal|nerve\s+cell|brain[- ]cell)\s+(?:loss|death|decline)",
    r"(?:loss|death)\s+of\s+(?:brain\s+cells|neurons|nerve\s+cells|gr[ae]y\s+matter)",
    # addiction
    r"(?:drug|alcohol|opioid|substance|gambling|porn|nicotine)\s+addictions?", r"addictions?",
    r"(?:recovering|former|drug|alcohol|opioid|heroin|meth)\s+addicts?",
    r"alcoholi(?:sm|cs?)", r"substance (?:ab)?use(?:\s+disorder)?",
    r"drug (?:use|abuse|habits?|problems?)", r"opioids?", r"sobriety", r"sober", r"relapses?",
    r"(?:stay|staying|stays|keep|keeping)\s+clean",
    r"(?:stay|staying|stays|get|getting|remain|remaining|be|being)\s+sober",
    r"(?:people|those|anyone|someone|folks|members|men|women|veterans|adults|friends)"
    r"\s+(?:who\s+are\s+)?in\s+recovery",
    r"(?:addiction|alcohol|drug)\s+recovery", r"recovery from (?:addiction|alcohol\w*|drugs?)",
    r"(?:quit|quitting|stop|stopping|kick|kicking|give up|giving up)\s+"
    r"(?:smoking|cigarettes|vaping|nicotine|drinking|alcohol|drugs)",
    r"smokers?", r"smoking", r"nicotine",
    # dependence on a substance ("alcohol dependence", "reliance on painkillers")
    r"(?:alcohol|nicotine|drug|substance|medication|opioid|painkiller|pill|sleeping\s+pill|"
    r"caffeine|benzo)\s+(?:dependen(?:ce|cy)|habits?|cravings?|withdrawal)",
    r"(?:dependen(?:ce|cy)|reliance|relying)\s+on\s+(?:the\s+|your\s+)?(?:alcohol|booze|"
    r"nicotine|cigarettes|drugs|medications?|meds|pills|painkillers|opioids|sleeping\s+\w+|"
    r"sedatives|tranquili[sz]ers|antidepressants|benzos|caffeine|vapes?)",
    r"cigarettes?", r"cigs", r"vap(?:e|es|ing)", r"booze", r"cigarette\s+cravings?",
    r"(?:nightly|evening|daily|heavy|binge|problem)\s+drinking",
    r"cravings?\s+for\s+(?:a\s+)?(?:cigarettes?|alcohol|drinks?|nicotine|a\s+smoke|booze)",
    r"urges?\s+to\s+(?:smoke|vape|drink|use)",
    # metabolic, cardiovascular, other diseases
    r"(?:type\s*(?:1|2|one|two|i|ii)\s+)?diab[ea]t(?:es|is|ies|ees|us|ics?)", r"pre-?diab\w+",
    r"blood (?:sugar|glucose)(?:\s+levels?)?", r"insulin resistance", r"a1c",
    r"(?:osteo-?|rheumatoid\s+|psoriatic\s+)?ar?t?h?r[iy]t(?:is|us|es|ics?)", r"rheumatism",
    r"osteoporosis", r"osteopenia", r"gout", r"fibro-?myalgia", r"lupus",
    r"hyperten[st]ion", r"hypertensive", r"(?:high\s+|low\s+)?blood[- ]pressure",
    r"(?:high\s+)?cholesterol",
    r"(?:morbid(?:ly)?\s+)?obes(?:ity|e)", r"bariatric",
    r"heart (?:disease|attacks?|failure|conditions?|problems|issues|surgery|patients)"
    r"(?:\s*(?:,|and|or|&)\s*strokes?)?",
    r"cardiac (?:arrest|rehab\w*|patients?|events?|conditions?|disease)",
    r"cardiovascular (?:disease|conditions?|events?)", r"coronary(?:\s+\w+\s+disease)?",
    r"arrhythmias?", r"atrial fibrillation", r"a-?fib", r"angina", r"palpitations",
    r"strokes?",
    r"cancers?", r"tumou?rs?", r"chemo(?:therapy)?", r"oncology",
    r"asthma(?:tic)?", r"copd", r"emphysema", r"bronchitis", r"lung disease",
    r"multiple sclerosis", r"(?-i:MS)", r"epilep\w+", r"seizures?", r"cerebral palsy",
    r"spinal cord injur(?:y|ies)", r"paraly[sz]\w*", r"neuropath\w+",
    r"crohn'?s(?:\s+disease)?", r"ibs", r"irritable bowel(?:\s+syndrome)?", r"c[oe]eliac",
    r"(?:hypo|hyper)?thyroid\w*", r"pcos", r"endometriosis", r"erectile dysfunction",
    r"incontinen\w+", r"(?:overactive|weak|leaky)\s+bladders?",
    r"bladder\s+(?:leaks?|leakage|control|problems|issues|weakness)", r"urinary\s+\w+",
    r"prolapse", r"vertigo", r"tinnitus", r"lymph[oe]dema",
    r"varicose veins", r"poor\s+circulation",
    r"circulat(?:ion|ory)\s+(?:problems|issues|disorders?)",
    r"hangovers?", r"jet\s+lag", r"menstrual\s+(?:cramps|pain)", r"period\s+(?:pain|cramps)",
    r"(?-i:PMS)", r"hot\s+(?:flashes|flushes)", r"constipation", r"acid\s+reflux", r"heartburn",
    r"indigestion", r"bloating", r"snoring", r"flat\s+feet", r"bunions?", r"hernias?",
    r"nausea", r"(?:morning|motion)\s+sickness", r"allerg(?:y|ies)", r"common\s+colds?",
    r"colds?\s+(?:and|&)\s+(?:the\s+)?flu", r"the\s+flu\b(?!\s+season)", r"influenza",
    r"infections?", r"fatty\s+liver", r"fertility", r"infertility", r"tremors?", r"arthrosis",
    r"spinal\s+stenosis", r"spondyl\w+", r"repetitive\s+strain(?:\s+injur(?:y|ies))?", r"rsi",
    r"hypo-?glyc[ae]mi\w*", r"hyper-?glyc[ae]mi\w*", r"(?:premature|early)\s+death",
    r"mortality", r"chronic fatigue(?:\s+syndrome)?", r"long[- ]covid",
    r"covid(?:-19)?\s+(?:recovery|symptoms|patients|survivors)",
    r"migraines?", r"(?:tension\s+|chronic\s+)?headaches?",
    r"sciatica", r"(?:herniated|slipped|bulging|ruptured|degenerative)\s+dis[ck]s?",
    r"dis[ck] herniation", r"scoliosis", r"kyphosis",
    r"plantar fasc\w+", r"tend[oi]n(?:itis|opathy)", r"bursitis", r"tennis elbow",
    r"golfer'?s elbow", r"carpal tunnel(?:\s+syndrome)?", r"frozen shoulder", r"whiplash",
    r"concussions?", r"shin splints", r"fractures?", r"fractured", r"broken bones?",
    r"sprain(?:s|ed)?",
    r"(?:torn|ruptured)\s+(?:acl|mcl|meniscus|rotator cuff|achilles|ligaments?|cartilage|labrum)",
    r"(?:acl|mcl|meniscus|rotator cuff|achilles|ligament|labrum)\s+"
    r"(?:tears?|injur(?:y|ies)|surgery|reconstruction|rupture|repair)",
    r"injured\s+(?:knees?|backs?|shoulders?|hips?|ankles?|wrists?|elbows?|necks?|joints?)",
    r"bad\s+(?:knees?|backs?|hips?)",
    _BODY_LIST + r"\s+(?:pain|pains|aches?|problems|issues|trouble|injur(?:y|ies)|damage)",
    r"chronic (?:pain|illness(?:es)?|diseases?|conditions?|inflammation)",
    r"aches and pains", r"pain relief", r"pains?",
    r"sports injur(?:y|ies)",
    r"(?:post|pre)[- ]?(?:surgery|surgical|op)", r"surger(?:y|ies)",
    r"(?:knee|hip|joint|shoulder)\s+replacements?",
    r"rehab(?:ilitation)?", r"rehabilitat\w+",
    # generic
    r"diseases?", r"illness(?:es)?", r"ill[- ]health", r"ailments?", r"what ails you",
    r"disorders?", r"syndromes?", r"symptoms?",
    r"(?:health|medical|chronic|pre-?existing|heart|underlying|autoimmune|lung|joint|"
    r"neurological|mental)\s+conditions?",
    r"patients", r"sufferers?", r"sickness(?:es)?",
    r"(?:my|your|their|his|her|a|the)\s+diagnos[ie]s", r"diagnosed\s+(?:with|as)",
    r"(?:signs|effects|symptoms)\s+of\s+(?:ag(?:e)?ing|age|getting\s+older)", r"anti-?ag(?:e)?ing",
    r"(?:natural|miracle)\s+cures?", r"cure-?alls?",
]
CONDITION_RE = ci(words(*CONDITION_TERMS))

# Conditions that are everyday words in another sense: checked with their context.
TRAUMA_OBJECTS_RE = ci(
    r"\b(?:floors?|subfloors?|flooring|platforms?|bars?|barbells?|plates?|surfaces?|concrete|"
    r"foundations?|tiles?|mats?|hardwood|decks?|walls?|equipment|frames?|bumpers?|slabs?|"
    r"garage|ceilings?|neighbours?|neighbors?)\b")
PHYSICAL_DEPRESSION_RE = ci(
    r"^\s*(?:in|on|of|at|along|into)\s+(?:the\s+|a\s+|this\s+|its\s+|each\s+|your\s+)?"
    r"(?:\w+\s+)?(?:pad|padding|seat|foam|cushion|surface|floor|deck|frame|bench|mat|plate|"
    r"handle|grip|lever|pedal|base|top|cent(?:er|re)|middle|board|tube|upholstery|button)")
STROKE_LEFT_RE = ci(
    r"(?:heart attacks?\s*(?:,|and|or|&)?|risk of|after|had|suffer(?:ed|ing)?|from|survived|"
    r"surviving|prevent\w*|mini|major|minor|ischemic|ischaemic|ha?emorrhagic)\s+"
    r"(?:a\s+|an\s+|your\s+|the\s+|their\s+)?$")
STROKE_RIGHT_RE = ci(r"^[\s-]+(?:survivors?|patients?|victims?|recovery|rehab\w*|risk|"
                     r"prevention)\b")
PAIN_LEFT_RE = ci(
    r"\b(?:reliev\w*|relief\s+(?:from|for)|eas(?:e|es|ed|ing)|sooth\w*|reduc\w*|eliminat\w*|"
    r"alleviat\w*|treat\w*|cur(?:e|es|ed|ing)|heal\w*|fight\w*|beat\w*|banish\w*|manag\w*|"
    r"goodbye\s+to|free\s+(?:from|of)|chronic|persistent|nagging|lower|numb\w*|fix\w*|"
    r"stop\w*|end(?:s|ed|ing)?|kill\w*|no\s+more|lessen\w*|muscle|nerve|arthritic)\s+"
    r"(?:(?:your|the|my|their|that|of|from|all)\s+){0,2}$")
ADDICTION_HOBBY_LEFT_RE = ci(
    r"\b(?:gym|fitness|workout|exercise|cardio|training|rowing|running|lifting|healthy|new|"
    r"latest|favou?rite|leaderboard|sweat|endorphin)\s+$")
ADDICTION_HOBBY_RIGHT_RE = ci(
    r"^\s+to\s+(?:the\s+|your\s+|this\s+)?(?:gym|fitness|workouts?|exercise|training|rowing|"
    r"running|lifting|gains|leaderboard|cardio|sweat)\b")
SOBER_LEFT_RE = ci(r"\b(?:stay|staying|stays|get|getting|remain\w*|be|being|living|life|"
                   r"newly|stayed|keep\w*|and)\s+$")

# Everyday senses of condition words, each read from the words near the mention.
DEPRESSED_CONTROL_RE = ci(r"\b(?:levers?|buttons?|pedals?|keys?|switch|triggers?|latch|pins?|"
                          r"plungers?|clips?|clamps?|springs?|foot|feet|fully)\b")
FRACTURE_MATERIAL_RE = ci(r"\b(?:steel|frame|weld|plastic|crack)")
SYMPTOM_OF_WEAR_RE = ci(
    r"\b(?:overtraining|wear|worn|fault|error|problem|failing|broken|belt|motor)")
HEADACHE_HASSLE_RE = ci(
    r"\b(?:assembl\w*|set-?up|install\w*|storage|deliver\w*|shipping|maintenance|"
    r"logistics|returns?|instructions|tools?|no\s+more|hassle)\b")
PAIN_RELIEF_RIGHT_RE = ci(r"\s+relie[fv]")
BURNOUT_TRAINING_RE = ci(r"\b(?:training|overtraining|workouts?|programs?|"
                         r"plateaus?|motivation|boredom)\b")
INFECTION_HYGIENE_RE = ci(r"\b(?:anti-?microbial|anti-?bacterial|grips?|"
                          r"surfaces?|wipe|clean\w*|hygien\w*)\b")
TREMOR_MACHINE_RE = ci(r"\b(?:frame|machine|motor|belt|deck|wobble)\b")
BLOATING_PACKAGING_RE = ci(r"\b(?:packag\w*|box|air|inflat\w*)\b")
SMOKING_HOT_RIGHT_RE = ci(r"[\s-]+hot\b")
MS_LEFT_RE = ci(r"\b(?:with|managing|manage|has|have|had|for|and|or|battling|from|"
                r"of|against|fight|fighting|living)\s+$")
MS_RIGHT_RE = ci(r"\s*(?:patients|sufferers|symptoms|fatigue|flare)")
ADD_LEFT_RE = ci(r"\b(?:with|for|has|have|had|kids|children|child|teens?|adults?|"
                 r"and|or)\s+$|/\s*$")
ADD_RIGHT_RE = ci(r"\s*(?:/|kids|children|symptoms|and\s|or\s)")
IN_DISORDER_LEFT_RE = ci(r"\bin\s+$")
# Wellness topics: named alone in a heading ("Mental health and movement") they are a topic,
# not a claim; in a sentence with nothing tying them to the product they go to review.
TOPIC_RE = ci(r"^(?:mental[- ]health|brain\s+health|cognitive\s+(?:function|health)|"
              r"cognition)$")
HEADING_MAX_WORDS = 10
SENTENCE_END_RE = ci(r"[.!?\u2026][\"')\]]*\s*$")                  # "the papers were in disorder"
