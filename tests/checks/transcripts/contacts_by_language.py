"""Short contacts in English, Spanish, French and German, and two that mix them."""

from __future__ import annotations

from tests.checks.factories import contact

EN_CHAT = contact(
    ("s", "Maya joined the chat."),
    ("a", "Hi, thanks for contacting Homeware Direct, my name's Maya. How can I help?"),
    ("c", "My headphones were meant to arrive on Monday and there's still no sign of them."),
    ("a", "I'm sorry to hear that, let me check the tracking for you right away."),
    ("c", "Thanks. I'm really frustrated, I needed them for a trip this weekend."),
)
EN_VOICE = contact(
    ("a", "thank you for calling corelink broadband this is sam how can i help"),
    ("c", "yeah hi um so my internet keeps dropping out like every evening and its been a week"),
    ("a", "okay im sorry about that let me have a look at the line from here"),
    ("c", "yeah please because i work from home and i cant keep doing this"),
)
EN_SHORT = contact(("c", "ok thanks"), ("a", "bye"))
EN_UPPER = contact(
    ("c", "I NEED TO CHANGE THE ADDRESS ON MY ACCOUNT BECAUSE I HAVE MOVED HOUSE"),
    ("a", "NO PROBLEM, I CAN UPDATE THAT FOR YOU NOW"),
)
ES = contact(
    ("a", "Buenas tardes, gracias por llamar a Homeware Direct, le atiende Marta."),
    ("c", "Hola, mi pedido no ha llegado todavía y necesito saber dónde está."),
    ("a", "Lo siento mucho. ¿Me puede dar su número de pedido, por favor?"),
    ("c", "Sí, claro. Estoy muy molesto, es la tercera vez que llamo."),
)
FR = contact(
    ("a", "Bonjour, merci d'avoir contacté Homeware Direct, je m'appelle Julie."),
    ("c", "Bonjour, ma commande n'est toujours pas arrivée et je suis vraiment déçu."),
    ("a", "Je comprends tout à fait, je vais vérifier cela pour vous tout de suite."),
)
DE = contact(
    ("a", "Guten Tag, Sie sprechen mit Jonas vom Kundenservice. Wie kann ich helfen?"),
    ("c", "Meine Bestellung ist immer noch nicht angekommen, das ist wirklich ärgerlich."),
    ("a", "Das tut mir leid. Ich schaue sofort nach, wo Ihr Paket gerade ist."),
)
# An English greeting cannot vouch for a conversation held in Spanish.
MIXED_MOSTLY_ES = contact(
    ("a", "Good morning, thanks for calling Homeware Direct, Maya speaking."),
    ("c", "Hola, perdone, ¿habla español? Mi pedido no ha llegado y estoy preocupada."),
    ("a", "Sí, claro, hablo español. Lo siento mucho, ahora mismo reviso su pedido."),
    ("c", "Muchas gracias, es un regalo de cumpleaños para mi hija y lo necesito el viernes."),
)
# An English contact with a few Spanish words in it is English.
MIXED_MOSTLY_EN = contact(
    ("c", "Hi, my order never arrived and I've been waiting for over a week now. Gracias."),
    ("a", "I'm so sorry about that, let me look into it for you straight away."),
    ("c", "Thank you, it was a birthday present for my daughter, muchas gracias."),
    ("a", "Of course. I've reordered it with next-day delivery, it'll be there tomorrow."),
)
