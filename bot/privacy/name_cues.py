"""Word lists for the name rules of bot/privacy/redact.py that read a cue beside one
capitalised word ("Amira told me", "with Kyle"), a relationship opening a sentence
("Boyfriend Kyle"), or a lower-case name after a naming cue ("his name is kai").

Kept apart from the rules so they can be reviewed (and extended) on their own: each
list errs towards keeping the facts a referral needs (places, nationalities, services)
over catching every name.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# What a person does, read after a lone capitalised word: "Amira told me", "Kyle picks
# her up". Verbs that places and things also do ("came", "went", "is", "has") are left
# out.
PERSON_VERBS = _words(
    """told tells telling said says asked asks texted texting messaged messaging rang
    phoned picks picked collects collected drives drove gave bought took threatened
    threatens lives stays stayed wants met meets brought"""
)
# Verbs that are also nouns or adjectives ("Online offers", "Recognise forced
# marriage"): they count only with a person after them ("Kyle forced her").
OBJECT_VERBS = _words(
    """calls called rings phones texts messages gives sends sent buys takes hit hits
    hurt hurts beat beats attacked assaulted abused raped touched forced forces paid
    pays wanted keeps kept lived owns controls controlled brings promised promises
    offered offers introduced groomed sold sells supplies supplied visits visited"""
)
OBJECTS = _words("her him them me us")
# Words that may stand between the name and its verb: "Kyle then drove", "Kyle has hit".
VERB_ADVERBS = _words(
    """then also often always usually later sometimes never just apparently allegedly
    reportedly regularly still once even has had have will would could"""
)
# Read before a lone capitalised word: "with Kyle", "picked up by Dritan", "met Tyler".
# Not "to", "from" or "in", which come before places.
PERSON_BEFORE = _words("with by met meets meeting told asked texted texting messaged phoned rang")
# A capitalised word before one of these describes a group, it does not name a person:
# "with Skegness lads", "owned by Leeds men".
GROUP_NOUNS = _words(
    """lads boys girls men women people staff kids family families gang gangs youths
    adults friends workers drivers guys group groups crew lot mob community"""
)
# Capitalised words a person verb may follow, or "with" precede, that are not names:
# nationalities, faiths and languages the project's patterns do not list, school
# subjects, car makes and brands, and words for people who are not named.
NOT_PEOPLE = _words(
    """thai filipino filipina kosovan kosovar hungarian czech latvian estonian serbian
    croatian bosnian turkish kurd kurds greek italian spanish german dutch russian
    brazilian jamaican caribbean asian european african arab arabic black white mixed
    muslim muslims christian christians catholic sikh hindu jewish buddhist traveller
    travellers gypsy romani maths math science art pe history geography music drama
    computing english french audi bmw mercedes merc ford vauxhall toyota honda nissan
    volkswagen vw fiat peugeot renault kia hyundai skoda mini range rover tesla volvo
    jaguar lexus corsa fiesta golf polo astra focus prius gumtree vivastreet adultwork
    brook onlyfans airbnb travelodge premier costa subway nandos dominos someone somebody
    anyone anybody everyone everybody nobody noone whoever security reception
    receptionist management neighbours neighbors neighbour neighbor witnesses witness
    taxi cab landlord landlady employer boss owner owners customers clients punters
    buyers dealers dealer gang gangs residents doctors nurses paramedics colleagues
    one two three four five six seven eight nine ten several god allah housing
    education health probation immigration customs court courts solicitor solicitors
    lawyer barrister judge magistrates interpreter translator online city united county
    town rovers athletic wanderers albion"""
)
# Relationships that may open a sentence before a name, with no "her" or "his":
# "Boyfriend Kyle picks her up". Not "contact" or "worker", which also start
# instructions ("Contact Brook").
RELATIONS_OPENING = _words(
    """boyfriend girlfriend bf gf partner fiance fiancé husband wife uncle aunt auntie
    aunty cousin brother sister stepdad stepmum stepbrother stepsister friend mate
    neighbour neighbor landlord landlady"""
)
# Before "called", a word for a person makes the next word a name even in lower case:
# "a man called dritan" (not "she called back", "called police").
PERSON_NOUNS = _words(
    """man men woman women boy boys girl girls guy guys lad lads bloke someone somebody
    person friend male female adult teenager"""
)
# Lower-case words after a naming cue that are not a name: "his name is not known".
NOT_LOWER_NAMES = _words(
    """back again out round over off up down police me him her them us different same
    given known blank missing needed required correct wrong spelt spelled"""
)
