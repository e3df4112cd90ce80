"""Phrase banks for the example week: customer moods and each agent style's way of talking."""

from __future__ import annotations

from typing import Final

DISTRESS: Final = (
    "This is the third time I've called about it and I'm getting nowhere.",
    "Honestly, I'm at my wits' end with this.",
    "I'm so angry I can barely get the words out.",
    "I'm really worried, I don't know what to do.",
    "If this isn't sorted today I'm taking my business elsewhere.",
    "I've been on hold for forty minutes and I'm fed up.",
    "I'm absolutely furious, to be honest.",
    "I've not slept properly since this started.",
    "It's been a horrible week and this is the last thing I needed.",
    "Nobody ever calls me back, it's ridiculous.",
    "I'm close to tears, I just want it fixed.",
    "I'm frankly disgusted with how this has been handled.",
    "This is causing me so much stress.",
    "I'm panicking a bit, if I'm honest.",
    "I've had enough, I really have.",
    "I'm going to make a formal complaint if this carries on.",
    "I feel like I'm going round in circles with you lot.",
    "I'm exhausted from chasing this.",
)

DISTRESS_AGAIN: Final = (
    "I just want someone to actually do something for once.",
    "Every time I call I get a different story.",
    "You have no idea how stressful this has been.",
    "I'm sorry, I'm just so frustrated.",
    "It's not good enough, it really isn't.",
    "I'm worried it'll happen again next month.",
    "I can't keep taking time off to deal with this.",
    "I'm honestly thinking of cancelling everything.",
)

CUSTOMER_HELLO: Final = (
    "Hi there.",
    "Hello, I hope you can help.",
    "Hi, I need some help please.",
    "Morning.",
    "Hello?",
    "Hi, yes.",
)

ROUTINE_LEAD: Final = (
    "",
    "",
    "Hi, hope you're well.",
    "Hello there.",
    "Quick question.",
    "Morning!",
    "Hiya.",
    "Hi, sorry to bother you.",
)

CUSTOMER_OK: Final = (
    "Okay, sure.",
    "Go on then.",
    "Yes, fine.",
    "Alright.",
    "Sure, I'll wait.",
    "No problem.",
)

CUSTOMER_RELIEVED: Final = (
    "Okay, that's a weight off my mind, thank you.",
    "Right. That's the first time anyone's actually sorted something.",
    "Thank you, that's a real help.",
    "Oh, good. That's what I needed to hear.",
    "Great, thanks, I feel a lot better about it now.",
    "Perfect, thank you so much.",
    "Right, that makes sense. Thank you.",
)

CUSTOMER_UNHAPPY: Final = (
    "So I'm just supposed to wait and hope? Brilliant.",
    "That's not good enough, honestly.",
    "Fine. Whatever.",
    "So nothing's actually going to happen, is it?",
    "I don't see how that helps me.",
    "Right. I'll be putting a complaint in.",
    "That's it? Wow.",
)

CUSTOMER_THANKS: Final = (
    "That's great, thanks.",
    "Lovely, thank you!",
    "Brilliant, cheers.",
    "Oh, that was quick, thanks.",
    "Thanks, that's all I needed.",
    "Perfect.",
)

CUSTOMER_DONE: Final = (
    "No, that's everything, thanks.",
    "No, that's all.",
    "That's it for today.",
    "Nope, all good.",
    "No. Bye.",
    "I think that covers it.",
)

CUSTOMER_CURT: Final = ("No.", "No. Bye.", "That's all.", "No, forget it.")

HOLD_ASK: Final = (
    "Bear with me a moment while I bring that up.",
    "Give me a second to open the account.",
    "Just a moment while I check the notes.",
    "Let me pull up the history on this, one moment.",
)

GREET_WARM: Final = (
    "{daypart}, you're through to {brand}, my name's {agent}. How can I help?",
    "{daypart}, thanks for calling {brand}! {agent} speaking, what can I do for you?",
    "Hello, {brand}, this is {agent}. How can I help you today?",
    "Thanks for getting in touch with {brand}! I'm {agent}, what can I help with?",
    "Hi, welcome to {brand} support! You're talking to {agent}. What's up?",
    "{daypart}, {brand} customer care, {agent} here. How are you doing?",
)

GREET_FLAT: Final = (
    "{brand}. Go ahead.",
    "{brand}, {agent}.",
    "Yes, {brand}.",
    "{brand} support. Account number?",
    "Hi. What's the issue?",
)

ASK_CHECK_WARM: Final = (
    "Could I take the postcode on the account, please?",
    "Can you confirm your date of birth for me, please?",
    "Could you give me the order or account number, please?",
    "May I have the first line of your address?",
)
ASK_CHECK_FLAT: Final = ("Postcode.", "Date of birth?", "Account number?", "Address?")
CHECK_ANSWERS: Final = (
    "It's {postcode}.",
    "The {dob}.",
    "{order}.",
    "{street}.",
)

PII_ANSWERS: Final = (
    "If you need to reach me, my email is {email}.",
    "You can call me back on {phone}.",
    "And the card I paid with is {card}, in case you need it.",
    "My mobile's {phone} and my email is {email}.",
    "Oh, and the card number on the account is {card}.",
)
PII_SPOKEN: Final = (
    "The card was {spoken_card}.",
    "And my number is {spoken_phone}.",
)

THANKS_AFTER_CHECK: Final = (
    "Thanks, {name}.",
    "Lovely, thank you!",
    "Perfect, thanks for that!",
    "Great, got you, {name}.",
    "Thank you.",
)

# model and host styles: acknowledge the feeling, reflect the problem, explore.
ACKNOWLEDGE: Final = (
    "That sounds really stressful.",
    "I can hear how upsetting this has been for you.",
    "It makes sense that you're frustrated, I'd feel the same.",
    "That's a worrying thing to be dealing with.",
    "No wonder you're fed up after all that.",
    "That must have been a horrible shock.",
    "I can tell this has worn you down.",
    "Being left like that would make anyone angry.",
    "That's a lot to cope with on top of everything else.",
    "I'm glad you called, that sounds exhausting.",
)
ACK_BEREAVEMENT: Final = (
    "I'm sorry for your loss, and I can hear how hard the letters are making it.",
    "Losing your {relative} is hard enough without this on top.",
)
REFLECT_CUE: Final = (
    "So if I've got this right, {reflect}.",
    "Let me check I've followed: {reflect}.",
    "So what's happened is {reflect}.",
    "Just so I'm clear, {reflect}.",
    "Okay, so {reflect}.",
)
EXPLORE: Final = (
    "What would help you most right now?",
    "How has this been affecting you?",
    "Can you tell me a bit more about what happened when you called before?",
    "What did {third_party} say when you spoke to them?",
    "How are you managing in the meantime?",
    "What's worrying you most about it?",
    "Is there anything else about this that's been bothering you?",
)
OWN_CUE: Final = (
    "I'll {action}.",
    "Let me {action}.",
    "I'll {action} for you now.",
    "What I'm going to do is {action}.",
)
NEXT_CUE: Final = (
    "{next}.",
    "Here's what happens next: {next}.",
    "So you know where you stand, {next}.",
)
CONFIRM: Final = (
    "Does that sort things out for you, {name}?",
    "Have I covered everything you needed today?",
    "Is there anything else I can help with while I've got you?",
    "Can you check the app and tell me if it shows the change?",
    "Does that plan work for you?",
    "Is there anything I've missed?",
)
ONE_APOLOGY: Final = (
    "I'm sorry this has been so difficult.",
    "I apologise that it's taken this long.",
    "I'm sorry you've had to chase us.",
)
FAREWELL_NEUTRAL: Final = (
    "Thanks for getting in touch, {name}. Take care.",
    "Thank you for calling. Bye for now.",
    "Take care, {name}.",
)
FAREWELL_WARM: Final = (
    "Thanks for your patience, {name}. Take care.",
    "You're welcome! Have a good {daypart_short}.",
    "Thanks for calling, {name}, all the best.",
    "Lovely talking to you. Look after yourself.",
    "Thank you, {name}. Have a lovely rest of the day!",
    "Glad I could help! Bye for now.",
)
DETAIL_WARM: Final = (
    "Thanks for telling me that, it helps.",
    "That's useful to know, thank you.",
    "Okay, I've noted that down.",
    "Thank you, that gives me the full picture!",
)

# dismissive style: procedure first, no acknowledgement.
CALM_DOWN: Final = (
    "Calm down, please. I can't help you if you shout.",
    "There's no need to get upset.",
    "Calm down and let me look.",
    "Getting angry won't speed this up.",
)
DISMISS: Final = (
    "That's our policy, I'm afraid.",
    "There's nothing I can do about that.",
    "That's just how it works.",
    "You should have read the terms.",
    "It's not my department.",
)
DETAIL_FLAT: Final = ("Okay.", "Right.", "Mm-hm.", "Noted.", "Fine.")
LOGGED_FLAT: Final = (
    "I've logged it. Someone will be in touch.",
    "I've put a ticket in.",
    "It's on the system now.",
    "You'll need to use the online form for that.",
)
CLOSE_FLAT: Final = ("Anything else?", "Is that it?", "Okay then.", "Right.")
FAREWELL_FLAT: Final = ("Bye.", "Okay, bye.", "Thanks, bye.", "Cheers.")

# overload style: apology piles, pity, the agent upset too, co-blaming.
PITY: Final = (
    "Oh no, that's awful!",
    "How awful, you poor thing.",
    "What a nightmare.",
    "Oh, that's terrible, honestly.",
    "That's just horrendous.",
    "Oh my goodness, that's dreadful.",
)
SORRY_PILE: Final = (
    "I'm so sorry.",
    "I'm so, so sorry about this.",
    "I'm really sorry.",
    "I can only apologise.",
    "Sorry, I'm so sorry.",
    "I do apologise, really.",
)
AGENT_UPSET: Final = (
    "Honestly, this makes me so angry too.",
    "I'm so upset hearing this.",
    "It's so frustrating, I'm furious for you.",
    "This kind of thing really upsets me.",
)
CO_BLAME: Final = (
    "They always mess this up, honestly.",
    "Our system is a complete shambles, it does this to everyone.",
    "{third_party} are useless, it's always the same with them.",
    "The people upstairs never get this right.",
    "It's always the same with this company.",
)
VAGUE_NOTE: Final = (
    "I'll put a note on your account.",
    "I'll pass it on to someone, I promise.",
    "I'll see what I can do.",
    "I'll mention it to my supervisor.",
)

# broken-record style: "I understand" with nothing behind it.
UNDERSTAND: Final = (
    "I understand.",
    "I understand, yes.",
    "Okay, I understand.",
    "I hear you.",
    "Yes, I understand that.",
)

# scripted style: one template line in almost every contact.
SCRIPT_LINE: Final = (
    "I completely understand how frustrating this must be, and I'm here to help you today."
)
DETAIL_SCRIPTED: Final = (
    "Thank you for that information.",
    "Thank you for providing that.",
    "Thank you for sharing that with me.",
)

# fixer style: straight to the fix, feelings come late if at all.
FIX_FIRST: Final = (
    "Right, let's get that fixed.",
    "Okay, leave it with me.",
    "Let's sort it.",
    "Got it, I'll sort that out now.",
)
LATE_ACK: Final = (
    "And I know it's been a rotten week with this.",
    "I realise that's been a real worry for you.",
    "That must have been stressful, by the way.",
)
DETAIL_FIXER: Final = ("Got it.", "Noted, thanks.", "Understood, thanks.", "Okay, that helps.")

# vague style: kind and attentive, but no ownership and no next step.
VAGUE_HOPE: Final = (
    "Hopefully it'll sort itself out soon.",
    "These things usually settle down on their own.",
    "With any luck it'll resolve itself.",
    "Fingers crossed it comes right.",
)
VAGUE_REDIRECT: Final = (
    "It might be worth getting in touch with {third_party} as well.",
    "You could try {third_party} too, they sometimes know more.",
    "Maybe keep an eye on your emails.",
)
VAGUE_ANSWER: Final = (
    "I'm honestly not sure, I'm afraid.",
    "That's a good question. I don't really know.",
    "It's hard to say, to be honest.",
)
DETAIL_VAGUE: Final = (
    "That sounds really hard, thank you for telling me.",
    "Oh, that must be difficult.",
    "That would get to anyone.",
)

ROUTINE_WARM: Final = (
    "Of course, happy to help with that!",
    "Sure thing, that's easy to sort.",
    "Absolutely, let's do that for you!",
    "No problem at all.",
    "Happy to sort that out for you!",
)
ROUTINE_FLAT: Final = ("Yeah.", "Fine.", "Okay.", "Right.")
TRIED: Final = (
    "Yes, of course I've tried that.",
    "I've done all that already.",
    "Are you even listening to me?",
    "That's what the last person said.",
)
DONT_CALM: Final = (
    "Don't tell me to calm down.",
    "I am calm, I'm just fed up.",
    "I'm not shouting, I'm upset.",
)
GENERIC_QA: Final = (
    ("Will I get something in writing?", "Yes, you'll have it by email today."),
    ("Can I have a reference number?", "Of course, it's {ref}."),
    ("Is all of this noted on the account?", "Yes, everything we've said is in the notes."),
    ("Do I need to do anything else?", "No, nothing more is needed from you."),
    ("Who do I ask for if I ring back?", "Anyone on the team can pick it up from the notes."),
    ("Is this going to cost me anything?", "No, there's no charge for any of this."),
)
ROUTINE_SORRY: Final = (
    "Oh, sorry, sorry, bear with me.",
    "So sorry about the wait before, I do apologise.",
    "Sorry, I'm so sorry, the system is slow today.",
)
