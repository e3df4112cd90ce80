"""Customer problems and routine requests that the example-week generator combines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem a customer brings, with the lines each side can say about it (str.format slots)."""

    key: str
    domain: str
    brands: tuple[str, ...]
    opening: tuple[str, ...]
    detail: tuple[str, ...]
    reflect: tuple[str, ...]
    action: tuple[str, ...]
    next_step: tuple[str, ...]
    deflect: tuple[str, ...]
    question: tuple[str, ...]
    answer: tuple[str, ...]
    third_party: str


@dataclass(frozen=True, slots=True)
class Request:
    """A routine request: no distress, a quick friendly answer is all it needs."""

    key: str
    brands: tuple[str, ...]
    ask: tuple[str, ...]
    done: tuple[str, ...]
    info: tuple[str, ...]
    question: tuple[str, ...]
    answer: tuple[str, ...]


MOBILE: Final = ("Brightwave Mobile", "Corelink Broadband")
ENERGY: Final = ("Hearth Energy", "Tidewater Water")
SHOP: Final = ("Maplestore", "Homeware Direct")
TRAVEL: Final = ("Skylark Air", "Roamly Travel")
BANK: Final = ("Fernbank", "Ledgerline Cards")
INSURE: Final = ("Keystone Insurance",)

PROBLEMS: Final[tuple[Problem, ...]] = (
    Problem(
        key="double_charge",
        domain="billing",
        brands=MOBILE,
        opening=(
            "I've just opened my bank app and you've taken {amount} twice for my {plan} plan"
            " this month.",
            "There are two payments of {amount} for the {plan} plan on my statement and I only"
            " have the one line.",
            "You've charged me double for {plan} this month, {amount} and then {amount} again.",
        ),
        detail=(
            "The first one went out {date} and the second one the very next morning.",
            "It's tipped my current account into overdraft, so now the bank is charging me too.",
            "I only noticed because my rent payment bounced.",
        ),
        reflect=(
            "the {plan} payment of {amount} has gone out twice this month instead of once",
            "you've been billed {amount} two times for a single {plan} plan",
        ),
        action=(
            "refund the second {amount} payment straight away",
            "reverse the duplicate {amount} charge on the {plan} plan",
        ),
        next_step=(
            "the money should be back in your account within three to five working days, and"
            " you'll get an email receipt today",
            "the refund will reach your bank by {next_day} at the latest",
        ),
        deflect=(
            "Have you checked whether one of them is just a pending payment that drops off?",
            "Duplicate payments go through the online disputes form, that's our policy.",
        ),
        question=("Will you cover the overdraft fee the bank charged me?",),
        answer=("If you send us the bank's letter we can credit that fee back as well.",),
        third_party="your bank",
    ),
    Problem(
        key="late_fee",
        domain="billing",
        brands=MOBILE + ENERGY,
        opening=(
            "There's a {amount} late payment fee on this month's bill, but I paid on time, I've"
            " got the confirmation right here.",
            "Why have I been hit with a {amount} late fee? I paid {date} like I always do.",
        ),
        detail=(
            "The payment reference was {ref}, it left my account {date}.",
            "I've never been late once in six years with you.",
        ),
        reflect=(
            "you paid {date} and still got a {amount} late fee on this bill",
            "a {amount} late charge was added even though your payment went through on time",
        ),
        action=(
            "remove the {amount} late fee from your account",
            "credit the {amount} fee back and mark the payment as on time",
        ),
        next_step=(
            "your next bill will show the credit, and I'll email you the corrected statement"
            " within the hour",
            "you'll see the adjusted balance in the app by tomorrow morning",
        ),
        deflect=(
            "The fee is applied automatically, that's our policy.",
            "Have you tried paying by direct debit so it doesn't happen again?",
        ),
        question=("Will this go on my credit file?",),
        answer=("No, nothing about this fee is reported to the credit agencies.",),
        third_party="your bank",
    ),
    Problem(
        key="price_rise",
        domain="billing",
        brands=MOBILE + ENERGY,
        opening=(
            "My monthly bill has gone from {amount} to {amount2} and nobody told me a thing.",
            "I've been paying {amount} a month for the {plan} plan and suddenly it's {amount2}."
            " What's going on?",
        ),
        detail=(
            "I'm on a fixed income, I budget to the penny.",
            "I signed up because the price was fixed for two years, that's what the salesman said.",
        ),
        reflect=(
            "your {plan} bill jumped from {amount} to {amount2} without any notice",
            "the price went up to {amount2} when you'd been told {amount} was fixed",
        ),
        action=(
            "put you back on the {amount} price for the rest of your contract",
            "apply a credit for the difference and move you to the {plan} rate you signed up for",
        ),
        next_step=(
            "you'll get a letter confirming the price within seven days",
            "the change shows on your next bill, and I'll email you the new terms today",
        ),
        deflect=(
            "Prices are reviewed every April, it's in the terms and conditions.",
            "There's nothing I can do about price changes, I'm afraid.",
        ),
        question=("Can I leave without paying the cancellation fee?",),
        answer=("Yes, a price rise inside the fixed period lets you leave without a fee.",),
        third_party="the sales team",
    ),
    Problem(
        key="refund_missing",
        domain="retail",
        brands=SHOP,
        opening=(
            "I sent the {product} back {date} and I'm still waiting for my {amount} refund.",
            "You confirmed you'd received my returned {product} weeks ago and the {amount} still"
            " hasn't come back to me.",
        ),
        detail=(
            "I've got the drop-off receipt with the tracking number {order}.",
            "Every time I chat with someone they say it's processing.",
        ),
        reflect=(
            "the returned {product} arrived with us but the {amount} refund never followed",
            "you've been waiting since {date} for {amount} back on the {product}",
        ),
        action=(
            "issue the {amount} refund for the {product} myself now",
            "push the refund for order {order} through manually",
        ),
        next_step=(
            "it will show on your card within three working days, and you'll get a confirmation"
            " email in the next few minutes",
            "I'll call you on {next_day} to make sure it has landed",
        ),
        deflect=(
            "Refunds take up to thirty days, that's our policy.",
            "Have you tried checking with your bank? It's probably on their side.",
        ),
        question=("Why did nobody tell me it was stuck?",),
        answer=("The return was scanned at the warehouse but never matched to your order.",),
        third_party="the warehouse",
    ),
    Problem(
        key="parcel_late",
        domain="delivery",
        brands=SHOP,
        opening=(
            "My {product} was meant to arrive {date} and there's still no sign of it.",
            "I ordered a {product} for my son's birthday, it was due {date} and it hasn't come.",
        ),
        detail=(
            "The tracking hasn't moved in four days, it just says in transit.",
            "The birthday is on {next_day}, so I'm running out of time.",
        ),
        reflect=(
            "the {product} due {date} still hasn't turned up and the tracking has stalled",
            "your {product} is late and the birthday it was for is coming up fast",
        ),
        action=(
            "send a replacement {product} by next-day delivery",
            "dispatch a new {product} from our local depot today",
        ),
        next_step=(
            "it will be with you by {next_day}, and you'll get a text with a one-hour slot",
            "you'll have a tracking link by email within the hour",
        ),
        deflect=(
            "Have you tried checking with your neighbours?",
            "Parcels can take up to ten working days, that's our policy.",
        ),
        question=("What happens if the first one turns up as well?",),
        answer=("Just keep it or hand it to the driver, whichever is easier for you.",),
        third_party="the courier",
    ),
    Problem(
        key="damaged_item",
        domain="delivery",
        brands=SHOP,
        opening=(
            "The {product} came this morning completely smashed, the box looked like someone"
            " had stood on it.",
            "I've opened the {product} you sent and it's broken in three places.",
        ),
        detail=(
            "I've taken photos of the box and the damage.",
            "I'd saved up for that {product} for months.",
        ),
        reflect=(
            "the {product} arrived broken and the packaging was crushed",
            "you've paid {amount} for a {product} that turned up damaged",
        ),
        action=(
            "arrange a collection of the broken {product} and send you a new one",
            "refund the full {amount} for the {product} and book a free collection",
        ),
        next_step=(
            "the courier will collect on {next_day} between eight and twelve, and you'll get a"
            " confirmation email today",
            "the replacement leaves our warehouse tomorrow and arrives within two days",
        ),
        deflect=(
            "You should have refused the parcel at the door.",
            "Damage claims have to be made online, that's our policy.",
        ),
        question=("Do I need to keep all the packaging?",),
        answer=("Only if it's easy; the photos you took are enough for us.",),
        third_party="the courier",
    ),
    Problem(
        key="wrong_item",
        domain="delivery",
        brands=SHOP,
        opening=(
            "I ordered a {product} and what arrived was a {product2}.",
            "You've sent me a {product2} instead of the {product} I paid {amount} for.",
        ),
        detail=(
            "The order number on the slip is {order}, and it definitely says {product}.",
            "It was a present and now I have nothing to give.",
        ),
        reflect=(
            "you were sent a {product2} when the order was for a {product}",
            "order {order} should have been a {product} but a {product2} came instead",
        ),
        action=(
            "send the right {product} out today and arrange a pick-up for the {product2}",
            "swap the order over and ship the {product} on our fastest service",
        ),
        next_step=(
            "you'll get a delivery text by {next_day} morning",
            "the return label for the {product2} will be in your inbox within ten minutes",
        ),
        deflect=(
            "Have you tried reading the order confirmation again?",
            "You'll need to send it back first, that's the process.",
        ),
        question=("Do I have to pay to send the wrong one back?",),
        answer=("No, the label is prepaid, so there's nothing to pay.",),
        third_party="the warehouse",
    ),
    Problem(
        key="marked_delivered",
        domain="delivery",
        brands=SHOP,
        opening=(
            "Your tracking says my parcel was handed over at {time}, but nothing came and I was"
            " home all day.",
            "It says delivered, signed for, but I never got my {product}.",
        ),
        detail=(
            "There's no card through the door, nothing in the porch, nothing with the neighbours.",
            "The signature on the tracking page isn't even my name.",
        ),
        reflect=(
            "the {product} shows as delivered at {time} but never reached you",
            "tracking says signed for, yet there's no parcel and the signature isn't yours",
        ),
        action=(
            "open a lost-parcel claim and send a replacement {product}",
            "refund the {amount} for the {product} while the claim runs",
        ),
        next_step=(
            "the claim reference is {ref}, and you'll hear from us within 48 hours",
            "the replacement will reach you by {next_day}",
        ),
        deflect=(
            "If it says delivered, it was delivered, I'm afraid.",
            "Have you tried asking around your building?",
        ),
        question=("Should I report it to the police?",),
        answer=("You don't need to; the claim covers it and we deal with the courier.",),
        third_party="the courier",
    ),
    Problem(
        key="locked_out",
        domain="accounts",
        brands=MOBILE + BANK,
        opening=(
            "I can't get into my account, it says it's locked, and the reset email never arrives.",
            "I've been locked out of online banking since {date} and I have bills to pay.",
        ),
        detail=(
            "I've tried the reset link four times and checked my junk folder.",
            "My salary goes in tomorrow and I can't see a thing.",
        ),
        reflect=(
            "the account is locked and the reset email isn't coming through",
            "you've been shut out of online banking since {date} with bills due",
        ),
        action=(
            "unlock the account and reset your password from here",
            "send a one-time access code to your mobile instead of the email",
        ),
        next_step=(
            "the text will arrive within two minutes, and the code works for an hour",
            "you'll be able to log in straight away, and I'll stay on the line while you try",
        ),
        deflect=(
            "Have you tried clearing your browser cache?",
            "You'll have to wait twenty-four hours for the lock to expire, that's our policy.",
        ),
        question=("Is someone else trying to get into my account?",),
        answer=("There were no log-in attempts except yours; the lock came from the resets.",),
        third_party="the IT team",
    ),
    Problem(
        key="account_suspended",
        domain="accounts",
        brands=MOBILE + BANK,
        opening=(
            "My account has been suspended with no warning and I can't pay for anything.",
            "Why has my card been frozen? I was at the till with a full trolley.",
        ),
        detail=(
            "I had to leave the shopping and walk out, it was humiliating.",
            "Nobody emailed me or texted me before this happened.",
        ),
        reflect=(
            "your card was frozen without warning while you were paying",
            "the account was suspended and nobody let you know first",
        ),
        action=(
            "lift the suspension on the account now",
            "unfreeze the card and take the security flag off",
        ),
        next_step=(
            "the card will work again within fifteen minutes, and you'll get a text when it does",
            "I'll call you back at four today to check everything is working",
        ),
        deflect=(
            "Suspensions are automatic security checks, there's nothing I can do.",
            "Have you tried using a different card?",
        ),
        question=("Why did it happen in the first place?",),
        answer=("A payment abroad looked unusual to the system, so it paused the card.",),
        third_party="the security team",
    ),
    Problem(
        key="flight_cancelled",
        domain="travel",
        brands=TRAVEL,
        opening=(
            "My flight to {city} on {date} has been cancelled and I've been given no replacement.",
            "You've cancelled my {city} flight, the one on {date}, and the app just says contact"
            " us.",
        ),
        detail=(
            "It's my daughter's wedding, I can't miss it.",
            "I've already paid {amount} for the hotel there.",
        ),
        reflect=(
            "the {city} flight on {date} was cancelled and you were left without a new booking",
            "you need to get to {city} and the cancelled flight has left you stranded",
        ),
        action=(
            "rebook you on the next flight to {city} at no cost",
            "put you on tomorrow's early flight to {city} and cover the hotel night",
        ),
        next_step=(
            "the new ticket will be in your inbox within ten minutes",
            "you'll get the boarding pass by email tonight",
        ),
        deflect=(
            "Cancellations happen, it's in the terms of carriage.",
            "Have you tried rebooking yourself in the app?",
        ),
        question=("Am I owed compensation as well?",),
        answer=("Yes, for this route it's due, and I'll start that claim alongside.",),
        third_party="the airport",
    ),
    Problem(
        key="lost_luggage",
        domain="travel",
        brands=TRAVEL,
        opening=(
            "I landed in {city} {date} and my suitcase never came off the belt.",
            "My bag didn't arrive in {city} and it has all my medication in it.",
        ),
        detail=(
            "The bag tag number is {order}.",
            "I've been in the same clothes for two days.",
        ),
        reflect=(
            "your suitcase didn't arrive in {city} and your medication is in it",
            "the bag tagged {order} went missing on the way to {city}",
        ),
        action=(
            "trace the bag and have it couriered to your hotel",
            "approve {amount} for essentials while we trace the suitcase",
        ),
        next_step=(
            "you'll get an update by text within 24 hours",
            "the courier will bring it to your hotel by {next_day} evening",
        ),
        deflect=(
            "You'll have to fill in the lost baggage form at the airport.",
            "Bags usually turn up on their own, so there's nothing to do yet.",
        ),
        question=("Can I buy clothes and claim it back?",),
        answer=("Yes, keep the receipts and send them in with your reference.",),
        third_party="the airport",
    ),
    Problem(
        key="hotel_missing",
        domain="travel",
        brands=TRAVEL,
        opening=(
            "I'm standing at the hotel desk in {city} and they have no record of the booking I"
            " paid {amount} for.",
            "The hotel in {city} says my reservation doesn't exist, and I've got my kids with me.",
        ),
        detail=(
            "It's nearly midnight here and they're fully booked.",
            "My confirmation number is {ref}.",
        ),
        reflect=(
            "the {city} hotel can't find the booking you paid {amount} for",
            "you're at the desk in {city} with the children and no room",
        ),
        action=(
            "book you into a partner hotel nearby tonight at our cost",
            "call the hotel myself and get the reservation reinstated",
        ),
        next_step=(
            "the new booking confirmation will be on your phone in five minutes",
            "I'll ring you back within fifteen minutes with the room number",
        ),
        deflect=(
            "Have you tried showing them the email?",
            "We can't control what the hotel does, I'm afraid.",
        ),
        question=("Will I still be charged for the original booking?",),
        answer=("No, I'll cancel that one and refund it in full.",),
        third_party="the hotel",
    ),
    Problem(
        key="no_heating",
        domain="utilities",
        brands=ENERGY,
        opening=(
            "We've had no heating or hot water since {date} and I've got a newborn in the house.",
            "The boiler has been off since {date}, the engineer you sent didn't fix it, and it's"
            " freezing.",
        ),
        detail=(
            "We're boiling kettles to bath the baby.",
            "My mum is staying with us and she's eighty-two.",
        ),
        reflect=(
            "you've had no heating or hot water since {date} with a baby at home",
            "the boiler is still off after the engineer's visit and the house is freezing",
        ),
        action=(
            "book an emergency engineer for today and flag your home as a priority",
            "send two electric heaters by courier and arrange an urgent repair",
        ),
        next_step=(
            "the engineer will be with you before six this evening and will text on the way",
            "the heaters arrive by midday tomorrow and I'll call you at nine to confirm the visit",
        ),
        deflect=(
            "Have you tried resetting the boiler?",
            "The next engineer slot is in nine days, that's the earliest.",
        ),
        question=("Can you add us to the priority list for the future?",),
        answer=("Yes, I'm adding your household to the priority services register now.",),
        third_party="the engineers",
    ),
    Problem(
        key="estimated_bill",
        domain="utilities",
        brands=ENERGY,
        opening=(
            "You've sent me this quarter's {utility} bill for {amount} based on an estimate,"
            " and it's three times what I normally pay.",
            "My {utility} bill is {amount} this quarter. I live on my own, that can't be right.",
        ),
        detail=(
            "I sent a meter reading on {date} and it was ignored.",
            "The direct debit goes out on {next_day} and I don't have that money.",
        ),
        reflect=(
            "the {amount} {utility} bill is built on an estimate rather than your reading",
            "your reading from {date} was ignored and the estimate tripled the bill",
        ),
        action=(
            "rebill you on the reading you sent",
            "cancel the {amount} direct debit and redo the bill from your actual reading",
        ),
        next_step=(
            "the corrected bill will be emailed within 24 hours",
            "the direct debit won't go out on {next_day}, and you'll get a new bill by Friday",
        ),
        deflect=(
            "Estimated bills are normal when we can't read the meter.",
            "Have you tried sending a reading through the app?",
        ),
        question=("Can I send readings by text instead?",),
        answer=("Yes, text the reading to the number on the back of your bill.",),
        third_party="the meter team",
    ),
    Problem(
        key="broadband_down",
        domain="utilities",
        brands=("Corelink Broadband",),
        opening=(
            "My broadband has been dead for {days} days now and I work from home.",
            "This is the {nth} time I've called: the internet is still down.",
        ),
        detail=(
            "All the lights on the {router} are flashing orange.",
            "I've had to sit in a café to do my job all week.",
        ),
        reflect=(
            "your broadband has been down for {days} days and you rely on it for work",
            "the {router} keeps showing orange lights and the connection never came back",
        ),
        action=(
            "book an engineer visit and send you a mobile data hotspot",
            "credit your account for every day without service and escalate the fault",
        ),
        next_step=(
            "the hotspot will arrive tomorrow, and the engineer is booked for {next_day} morning",
            "you'll get a text with the engineer's arrival window by tonight",
        ),
        deflect=(
            "Have you tried turning the router off and on again?",
            "Faults take up to ten days, that's our service level.",
        ),
        question=("Will I be paying for the days it's been off?",),
        answer=("No, those days come off your next bill.",),
        third_party="the network team",
    ),
    Problem(
        key="bereavement_close",
        domain="bereavement",
        brands=MOBILE + ENERGY + BANK,
        opening=(
            "My {relative} passed away last month and I'm trying to close {their} account, but"
            " the letters keep coming in {their} name.",
            "I need to close my late {relative}'s account. I've sent the death certificate twice.",
        ),
        detail=(
            "Every letter with {their} name on it sets me back.",
            "I'm doing all of this on my own.",
        ),
        reflect=(
            "you've sent the certificate and letters still arrive in your {relative}'s name",
            "closing your {relative}'s account has dragged on and the post keeps coming",
        ),
        action=(
            "close the account today and stop all post to the address",
            "pass this to our bereavement team and stop every letter and payment",
        ),
        next_step=(
            "you'll get one final letter confirming the closure within ten days, and nothing"
            " after that",
            "a named case handler will call you by {next_day}",
        ),
        deflect=(
            "We need the original certificate by post, that's our policy.",
            "You'll need to get probate first.",
        ),
        question=("Is there anything left to pay on it?",),
        answer=("No, the balance is clear and nothing more will be taken.",),
        third_party="the bereavement team",
    ),
    Problem(
        key="bereavement_payment",
        domain="bereavement",
        brands=MOBILE + ENERGY + BANK,
        opening=(
            "You've taken a payment from my late {relative}'s account even though I told you"
            " about the death {date}.",
            "A {amount} payment has gone from my {relative}'s account after {they} died.",
        ),
        detail=(
            "The estate is frozen and I'm the executor.",
            "Seeing {their} name on the statement was awful.",
        ),
        reflect=(
            "{amount} was taken from your {relative}'s account after you'd told us about the death",
            "a payment left the estate's account even though we knew {they} had passed away",
        ),
        action=(
            "refund the {amount} to the estate account",
            "cancel the direct debit and return the payment",
        ),
        next_step=(
            "the money will be back within three working days, and I'll confirm it by letter",
            "I'll email you the moment it's returned, by {next_day}",
        ),
        deflect=(
            "Direct debits keep running until the paperwork is processed.",
            "Have you tried contacting the bank about it?",
        ),
        question=("Will this happen again next month?",),
        answer=("No, the direct debit is cancelled now, so nothing else can go out.",),
        third_party="the bank",
    ),
    Problem(
        key="fraud_payments",
        domain="fraud",
        brands=BANK,
        opening=(
            "There are {n} payments on my card I didn't make, about {amount} altogether.",
            "Someone has been spending on my card: {amount} at places I've never heard of.",
        ),
        detail=(
            "The card is still in my purse, I haven't lost it.",
            "That was the money for my rent.",
        ),
        reflect=(
            "there are {n} payments totalling {amount} that you never made",
            "{amount} has gone on your card at shops you've never used",
        ),
        action=(
            "block the card and raise a fraud claim for the {amount}",
            "cancel the card and refund the {n} payments while we investigate",
        ),
        next_step=(
            "the money will be back within two working days, and a new card arrives by {next_day}",
            "you'll get a text with the claim reference {ref} in a few minutes",
        ),
        deflect=(
            "Have you let anyone else use your card?",
            "You'll need to fill in the disputes form, that's our policy.",
        ),
        question=("Could they have got my details from a website?",),
        answer=("Possibly; the claim team will check where the details were used first.",),
        third_party="the fraud team",
    ),
    Problem(
        key="scam_call",
        domain="fraud",
        brands=BANK,
        opening=(
            "I had a call from someone saying they were your fraud team and I gave them my card"
            " details.",
            "I think I've been scammed. A man rang, said he was from you, and I moved {amount}.",
        ),
        detail=(
            "He knew my name and my address, it sounded real.",
            "I feel so stupid, I'm usually so careful.",
        ),
        reflect=(
            "someone posing as our fraud team got your card details over the phone",
            "a caller claiming to be us talked you into moving {amount}",
        ),
        action=(
            "stop the card now and recall the {amount} transfer",
            "freeze the account and raise a scam claim for the {amount}",
        ),
        next_step=(
            "a specialist will call you back within two hours",
            "you'll get a claim reference by text straight away and a decision within 15"
            " working days",
        ),
        deflect=(
            "We never ask for card details, it says so on our website.",
            "Have you tried reporting it to the police?",
        ),
        question=("Will I get the money back?",),
        answer=("In most cases like this we can, and the specialist will talk you through it.",),
        third_party="the fraud team",
    ),
    Problem(
        key="claim_delay",
        domain="insurance",
        brands=INSURE,
        opening=(
            "My claim for the {claim_item} has been sitting with you for {weeks} weeks and"
            " nobody will tell me anything.",
            "I'm chasing my {claim_item} claim again. {weeks} weeks and not a single update.",
        ),
        detail=(
            "My claim number is {ref}.",
            "I've had to pay {amount} out of my own pocket in the meantime.",
        ),
        reflect=(
            "your {claim_item} claim has had no update in {weeks} weeks",
            "you've waited {weeks} weeks and paid {amount} yourself while the claim sat still",
        ),
        action=(
            "escalate the {claim_item} claim to a senior handler today",
            "approve an interim payment of {amount} on the claim",
        ),
        next_step=(
            "the senior handler will call you by {next_day}",
            "the payment reaches your account within two working days",
        ),
        deflect=(
            "Claims take as long as they take, I'm afraid.",
            "You'll have to wait for the assessor, that's the process.",
        ),
        question=("Who do I speak to if it stalls again?",),
        answer=("You'll have the handler's direct line, so you won't start from scratch.",),
        third_party="the assessors",
    ),
    Problem(
        key="engineer_no_show",
        domain="utilities",
        brands=(*ENERGY, "Corelink Broadband"),
        opening=(
            "I took a day off work for the engineer {date}, {window}, and nobody turned up.",
            "Your engineer didn't show up again. That's two appointments missed.",
        ),
        detail=(
            "Nobody rang, nobody texted, I just waited by the window.",
            "That's a day's wages I've lost.",
        ),
        reflect=(
            "you took {date} off for the {window} slot and the engineer never came",
            "two engineer appointments have been missed and you've lost a day's pay",
        ),
        action=(
            "book the first slot tomorrow and make it a fixed-time appointment",
            "credit {amount} for the missed visit and rebook the engineer",
        ),
        next_step=(
            "the engineer will call you thirty minutes before arriving",
            "you'll get the appointment confirmed by text within the hour",
        ),
        deflect=(
            "Engineers sometimes run late, there's nothing I can do.",
            "Have you tried checking your spam folder for a rescheduling email?",
        ),
        question=("Can I get a time that isn't all day?",),
        answer=("Yes, I've picked the first job of the morning so the window is short.",),
        third_party="the engineers",
    ),
)

REQUESTS: Final[tuple[Request, ...]] = (
    Request(
        key="opening_hours",
        brands=SHOP,
        ask=(
            "What time does your {city} store open on Sunday?",
            "Quick one: is the {city} branch open on bank holidays?",
        ),
        done=("The {city} store opens at ten and closes at four on Sundays",),
        info=("The click-and-collect desk opens an hour earlier, if that helps.",),
        question=("Is there parking there?",),
        answer=("Yes, there's a free car park behind the store.",),
    ),
    Request(
        key="password_reset",
        brands=MOBILE + BANK,
        ask=("I need to reset my password, I've forgotten it.", "Can you help me reset my login?"),
        done=("I've sent a reset link to the email on your account",),
        info=("The link works for one hour, and then you can pick a new password.",),
        question=("Does the new password need a symbol?",),
        answer=("It needs at least twelve characters; symbols are optional.",),
    ),
    Request(
        key="change_address",
        brands=MOBILE + ENERGY + BANK,
        ask=("I've moved house and need to update my address.", "Can I change my address?"),
        done=("I've updated your address to {street}",),
        info=("You'll get a letter at the new address confirming the change.",),
        question=("Will my next bill go to the new place?",),
        answer=("Yes, everything from today goes to {street}.",),
    ),
    Request(
        key="payment_date",
        brands=MOBILE + ENERGY,
        ask=(
            "Can I move my payment date to the {ordinal}? That's when I get paid.",
            "I'd like to change the day my direct debit comes out.",
        ),
        done=("I've moved your payment date to the {ordinal} of each month",),
        info=("The change starts from next month's bill.",),
        question=("Will I be charged twice this month?",),
        answer=("No, this month's payment stays as it is.",),
    ),
    Request(
        key="invoice_copy",
        brands=MOBILE + ENERGY + SHOP,
        ask=(
            "Could you send me a copy of my last invoice? I need it for my tax return.",
            "I need a VAT receipt for order {order}.",
        ),
        done=("I've emailed the invoice for order {order} to you",),
        info=("It should be in your inbox in a minute or two.",),
        question=("Can I download them myself next time?",),
        answer=("Yes, they're all under Documents in your online account.",),
    ),
    Request(
        key="order_status",
        brands=SHOP,
        ask=(
            "Just checking when my {product} will arrive, no rush.",
            "Has my order {order} shipped yet?",
        ),
        done=("Your {product} left the warehouse this morning",),
        info=("It's due with you on {next_day}, and the courier will text you a time slot.",),
        question=("Can they leave it with a neighbour?",),
        answer=("Yes, you can choose that in the courier's text.",),
    ),
    Request(
        key="add_person",
        brands=MOBILE + ENERGY + BANK,
        ask=(
            "I'd like to add my husband to the account so he can call you too.",
            "Can my daughter be allowed to speak for me on this account?",
        ),
        done=("I've added them as an authorised person on your account",),
        info=("They'll need to answer the security questions when they call.",),
        question=("Can they make changes as well?",),
        answer=("They can talk about the account; changes still need your okay.",),
    ),
    Request(
        key="upgrade_plan",
        brands=MOBILE,
        ask=(
            "I'm thinking of moving up to the {plan} plan. What would it cost?",
            "Could I upgrade to {plan}?",
        ),
        done=("I've switched you to {plan} at {amount} a month",),
        info=("The new allowance starts tonight at midnight.",),
        question=("Can I go back down if I don't need it?",),
        answer=("Yes, you can change plans once a month without a fee.",),
    ),
    Request(
        key="seat_booking",
        brands=TRAVEL,
        ask=(
            "Can I book a window seat on my flight to {city}?",
            "I'd like to pick seats for my {city} trip, there are two of us.",
        ),
        done=("I've booked seats 14A and 14B on your {city} flight",),
        info=("Your updated boarding passes will come through by email.",),
        question=("Is there extra legroom in that row?",),
        answer=("It's a standard row, but the seats don't recline less than others.",),
    ),
    Request(
        key="delivery_slot",
        brands=SHOP,
        ask=(
            "Can I change my delivery to {next_day}? I'll be out on the original day.",
            "Is it possible to move my delivery to the afternoon?",
        ),
        done=("I've moved your delivery to {next_day} afternoon",),
        info=("The courier will text a two-hour window that morning.",),
        question=("Can I change it again if plans change?",),
        answer=("Yes, use the link in the courier's text up to the night before.",),
    ),
    Request(
        key="returns_window",
        brands=SHOP,
        ask=(
            "How long do I have to return a {product}?",
            "If the {product} doesn't fit in the hallway can I send it back?",
        ),
        done=("You have thirty days from delivery to return the {product}",),
        info=("Returns are free, and the label is in your order email.",),
        question=("Does it need to be in the original box?",),
        answer=("Any sturdy box is fine.",),
    ),
    Request(
        key="update_email",
        brands=MOBILE + BANK + ENERGY,
        ask=("I'd like to change the email address on my account.", "Can I update my email?"),
        done=("I've changed the email on your account and sent a confirmation there",),
        info=("Click the link in that message and the change is finished.",),
        question=("Will my old email still get anything?",),
        answer=("No, everything goes to the new address from now on.",),
    ),
    Request(
        key="points_balance",
        brands=TRAVEL + SHOP,
        ask=(
            "How many loyalty points do I have?",
            "Can you tell me my points balance and when they expire?",
        ),
        done=("You've got {n},{points} points on your account",),
        info=("They don't expire as long as you shop or fly once a year.",),
        question=("Can I use them on delivery charges?",),
        answer=("Yes, at checkout you can pay for delivery with points.",),
    ),
    Request(
        key="meter_reading",
        brands=ENERGY,
        ask=(
            "I want to give you a meter reading.",
            "Can I submit my {utility} meter reading over the phone?",
        ),
        done=("I've logged the reading of {reading} against your meter",),
        info=("Your next bill will use it instead of an estimate.",),
        question=("How often should I send one?",),
        answer=("Once a month is plenty to keep your bills accurate.",),
    ),
)

DOMAIN_TEAMS: Final[dict[str, tuple[str, ...]]] = {
    "Accounts & Billing": ("billing", "accounts", "utilities", "fraud", "bereavement"),
    "Orders & Travel": ("retail", "delivery", "travel", "insurance", "utilities", "bereavement"),
}
