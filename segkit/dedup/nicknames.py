"""A small table of English given-name nicknames and spelling variants -> one formal name.

Only unambiguous, common forms are listed: a nickname that belongs to several formal names
equally often (``al``, ``sam`` for Samantha/Samuel, ``alex``) maps to the most common one or is
left out. Names are in folded form (lower case, no accents).
"""

from __future__ import annotations

_GROUPS: dict[str, str] = {
    "robert": "bob bobby rob robbie robby bert",
    "william": "bill billy will willy willie liam",
    "james": "jim jimmy jamie jimbo",
    "john": "jack johnny jon jonny",
    "jonathan": "jonathon",
    "michael": "mike mikey mick micky mickey",
    "david": "dave davey davy",
    "daniel": "dan danny",
    "thomas": "tom tommy",
    "christopher": "chris kit topher",
    "matthew": "matt matty",
    "nicholas": "nick nicky nic nicolas nickolas",
    "joseph": "joe joey jos",
    "anthony": "tony antony",
    "steven": "steve stevie stephen",
    "andrew": "andy drew",
    "alexander": "alex alec sandy",
    "samuel": "sam sammy",
    "benjamin": "ben benny benji",
    "edward": "ed eddie eddy ted teddy ned",
    "richard": "rick ricky rich richie dick",
    "gregory": "greg",
    "charles": "charlie chuck chas",
    "henry": "hank harry hal",
    "patrick": "pat paddy",
    "peter": "pete",
    "ronald": "ron ronnie",
    "donald": "don donnie",
    "lawrence": "larry laurence",
    "gerald": "jerry gerry",
    "frederick": "fred freddy freddie",
    "timothy": "tim timmy",
    "kenneth": "ken kenny",
    "raymond": "ray",
    "jeffrey": "jeff geoffrey geoff",
    "joshua": "josh",
    "zachary": "zach zack zak",
    "nathaniel": "nate nat",
    "nathan": "",
    "douglas": "doug",
    "leonard": "leo len lenny",
    "vincent": "vince vinny",
    "walter": "walt wally",
    "albert": "bertie",
    "francis": "frank frankie",
    "phillip": "phil philip",
    "elizabeth": "liz lizzie lizzy beth betty bess bessie eliza elisabeth libby betsy",
    "katherine": "kate katie kathy cathy kat kathryn catherine kathleen katharine cate",
    "jennifer": "jen jenny jenn",
    "susan": "sue susie suzy suzanne",
    "margaret": "maggie meg peggy marge margie greta",
    "rebecca": "becky becca",
    "victoria": "vicky vicki tori",
    "sandra": "sandi",
    "pamela": "pam",
    "deborah": "deb debbie debra",
    "cynthia": "cindy",
    "patricia": "patty trish tricia",
    "amanda": "mandy",
    "jessica": "jess jessie",
    "abigail": "abby abbie",
    "allison": "ally alison allie",
    "christina": "tina christine kristina",
    "jacqueline": "jackie",
    "samantha": "sammie",
    "stephanie": "steph stephie",
    "theresa": "terry tess tessa teresa",
    "dorothy": "dot dottie",
    "barbara": "barb barbie babs",
    "judith": "judy",
    "kimberly": "kim kimberley",
    "melissa": "mel missy",
    "natalie": "nat",
    "alexandra": "lexi",
    "valerie": "val",
    "josephine": "jo josie",
    "eleanor": "ellie nell nora",
    "caroline": "carrie carol",
    "annabelle": "annie",
    "mary": "molly polly mae",
    "sarah": "sara sally sadie",
    "helen": "nellie",
}


def _table() -> dict[str, str]:
    out: dict[str, str] = {}
    for formal, nicks in _GROUPS.items():
        for nick in nicks.split():
            if nick != formal:
                out.setdefault(nick, formal)
    return out


NICKNAMES: dict[str, str] = _table()
