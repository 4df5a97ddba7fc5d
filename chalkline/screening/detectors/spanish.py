"""Spanish phrase patterns for the conduct and record detectors.

The same findings as the English patterns of conduct.py and student_records.py (same detector,
clause and severity), for messages written in Spanish. The patterns are written from how
teachers, parents and students write in Spanish (Mexico, Central America, the Caribbean, Spain),
voseo and tuteo, with and without accents, and search ``text.deaccent(text)`` (the text with
"ó" as "o", "ñ" as "n", same offsets): so the patterns are ASCII, as the Hyperscan prefilter
needs, and "contraseña" and "contrasena" match alike. Every pattern is registered with the
prefilter, so a message without any of their words costs nothing more.
"""

from __future__ import annotations

import re

from .. import prefilter

_I = re.IGNORECASE

_TU = r"(?:tu|tus|su|sus)"
# personal social platforms, as people write them
_SOCIAL = (
    r"(?:insta(?:gram)?|ig|face(?:book)?|feis|fb|snap(?:chat)?|tik\s?tok|twitter|x\s+(?:cuenta)|"
    r"discord|whats\s?app|whats|wasap|guasap|telegram|signal|kik|messenger|twitch|be\s?real|threads)"
)
_CRED = (
    r"(?:contrasenas?|claves?(?:\s+de\s+acceso)?|passwords?|pass|pin|nip|credenciales|"
    r"codigos?\s+de\s+(?:acceso|verificacion|seguridad|inicio)|"
    r"datos\s+de\s+(?:acceso|inicio\s+de\s+sesion)|usuario\s+y\s+(?:contrasena|clave))"
)
# an account that is the student's or employee's own, not a school system
_ACCOUNT = (
    rf"(?:{_SOCIAL}|cuenta(?:s)?(?:\s+(?:de|del)\s+{_SOCIAL}|\s+personal(?:es)?)?"
    r"(?!\s+(?:de|del)\s+(?:la\s+)?(?:escuela|colegio|distrito|canvas|classroom|google\s+classroom|"
    r"clever|seesaw|schoology|class\s?dojo|remind|biblioteca))|perfil|correo(?:\s+personal)?|"
    r"(?:telefono|celular|cel)(?=\s*(?:[,.;:!?]|$|\s+(?:y|para|a\s+ver)\b)))"
)

CREDENTIAL = [
    # asking for the password: "¿cuál es tu contraseña de Instagram?", "pásame tu clave"
    re.compile(
        r"\b(?:cual\s+es|cuales\s+son|dame|deme|d[ae]nos|pasame|pasa(?:me)?|mandame|enviame|"
        r"dime|digame|escribeme|comparteme|compartime|pasame|necesito|ocupo|quiero|"
        r"me\s+(?:das|da|pasas|pasa|mandas|manda|envias|dices|dice|compartes|comparte|escribes)|"
        r"te\s+pido|le\s+pido|pideles|pidele|(?:voy\s+a|vamos\s+a)\s+necesitar)\s+"
        rf"(?:{_TU}\s+{_CRED}|la\s+{_CRED}\s+(?:de|del)\s+{_TU})",
        _I,
    ),
    re.compile(rf"\b{_CRED}\s+(?:de|del|para)\s+{_TU}\s+(?:cuenta\s+(?:de\s+)?)?{_SOCIAL}\b", _I),
    # signing in to the account for them: "déjame entrar a tu Instagram", "voy a entrar en tu
    # cuenta", "necesito acceder a tu Snapchat", "déjame ver tus mensajes"
    re.compile(
        r"\b(?:dejame|dejeme|dejanos|deja\s+que|permiteme|permitame|me\s+dejas|me\s+deja|"
        r"(?:voy|vamos)\s+a|necesito|necesitamos|tengo\s+que|tenemos\s+que|quiero|queremos|"
        r"puedo|podemos|hay\s+que)\s+"
        r"(?:entrar|meterme|meternos|iniciar\s+sesion|ingresar|conectarme|acceder|loguearme|"
        r"logearme|abrir)\s+(?:a|en|con|al)\s+"
        rf"{_TU}\s+(?:propi[ao]s?\s+)?{_ACCOUNT}",
        _I,
    ),
    re.compile(
        r"\b(?:dejame|dejeme|dejanos|permiteme|permitame|me\s+dejas|necesito|quiero|tengo\s+que)\s+"
        r"(?:ver|revisar|checar|leer|mirar)\s+"
        rf"(?:{_TU}\s+(?:mensajes|dms?|chats|conversaciones|mensajes\s+privados)(?:\s+(?:de|del)\s+{_SOCIAL})?|"
        rf"{_TU}\s+{_SOCIAL})\b",
        _I,
    ),
    # "dame acceso a tu Snapchat", "necesito acceso a su cuenta de Facebook"
    re.compile(
        r"\b(?:dame|deme|danos|denos|darme|darnos|necesito|necesitamos|quiero|pido|ocupo)\s+"
        rf"(?:el\s+)?acceso\s+(?:a|al)\s+{_TU}\s+(?:propi[ao]s?\s+)?{_ACCOUNT}",
        _I,
    ),
    # acting as the person: "voy a entrar como tú en TikTok"
    re.compile(
        r"\b(?:entrar|entro|iniciar\s+sesion|inicio\s+sesion|meterme|conectarme|publicar)\s+"
        r"como\s+(?:si\s+fuera(?:s)?\s+)?(?:tu|usted|el|ella)"
        r"(?=\s*(?:[,.;:!?]|$|\s+(?:en|a|para|y|desde)\b))",
        _I,
    ),
    re.compile(
        r"\b(?:agregame|agreganos|hazme|haznos|ponme|ponnos|anademe|nombrame)\s+(?:como\s+)?"
        r"(?:admin|administrador[a]?|moderador[a]?|editor[a]?|co-?propietari[oa])\s+(?:de|en)\s+"
        rf"{_TU}\b",
        _I,
    ),
    re.compile(
        r"\b(?:los|las)\s+(?:candidat[oa]s|solicitantes|aspirantes|emplead[oa]s|maestr[oa]s|"
        r"docentes|nuev[oa]s\s+contratad[oa]s)\s+(?:deben|tienen\s+que|necesitan|deberan)\s+"
        r"(?:compartir|dar|entregar|proporcionar|revelar)\s+(?:sus|su)\s+"
        rf"(?:{_CRED}|cuentas\s+de\s+redes\s+sociales)",
        _I,
    ),
    re.compile(
        r"\b(?:desbloquea|desbloquee|desbloquear)\s+(?:tu\s+|su\s+|el\s+)?(?:telefono|celular|cel)\s+y\s+"
        r"(?:ensename|muestrame|ensename|dame|pasamelo|muestreme)",
        _I,
    ),
]

# a request is advice when a negation comes just before it
NEGATED = re.compile(
    r"\b(?:nunca|jamas|no|nadie|ningun|ninguna|ni)\b[^.!?\n]{0,24}$",
    _I,
)

# "send me" / "write me" / "follow me" in every imperative (tu, vos, usted, ustedes) and as an
# infinitive ("puede llamarme"): the clitic "me" is what makes the channel the sender's own.
_SEND_ME = r"(?:mand(?:a|e|en|an|ar)me|envi(?:a|e|en|an|ar)me|pas(?:a|e|en|ar)me)"
_CONTACT_ME = (
    r"(?:escrib(?:e|a|an|i|ir)me|habl(?:a|e|en|ar)me|llam(?:a|e|en|ar)me|marc(?:a|ar)me|marqu(?:e|en)me|"
    r"contact(?:a|e|en|ar)me|busc(?:a|an|ar)me|busqu(?:e|en)me|sig(?:ue|a|an)me|segui(?:r)?me|"
    r"agreg(?:a|an|ar)me|agregu(?:e|en)me|anad(?:e|a|an|ir)me|encuentr(?:a|e|en)me|encontrarme|"
    r"localiz(?:a|ar)me|localic(?:e|en)me|text(?:e|ea|ee|een|ean|ear)me)"
)

CHANNEL = [
    # "textéame", "mándame un texto", "escríbeme por WhatsApp", "llámame a mi celular"
    re.compile(
        rf"\b(?:text(?:e|ea|ee|een|ean)me|textame|{_SEND_ME}\s+(?:un\s+)?(?:texto|mensaje\s+de\s+texto|"
        r"whats|wasap|mensajito\s+de\s+texto))\b",
        _I,
    ),
    re.compile(
        rf"\b(?:{_SEND_ME}|{_CONTACT_ME})\s+"
        r"(?:(?:un|una)\s+(?:mensaje|texto|dm|md|mensajito|solicitud|inbox)\s+)?"
        r"(?:a(?:l)?|por|en|por\s+el|por\s+medio\s+de|via)\s+(?:mi\s+)?"
        rf"(?:celular|cel|telefono\s+personal|numero\s+personal|privado|inbox|dm|md|{_SOCIAL})\b",
        _I,
    ),
    re.compile(rf"\b{_CONTACT_ME}\s*(?:en\s+)?@[\w.]{{2,}}", _I),
    # "mi Instagram", "mi WhatsApp es...", "mi celular personal", "mi correo personal"
    re.compile(
        r"\bmi\s+(?:(?:propio|otro|nuevo)\s+)?(?:"
        rf"{_SOCIAL}|"
        r"(?:celular|cel|telefono|numero|correo|email|e-?mail|cuenta|perfil|pagina)\s+"
        r"(?:personal|privad[oa]|propi[oa]|de\s+casa)|"
        r"(?:usuario|user)\s+(?:es\s+)?@?[\w.]{3,}|@[\w.]{3,})\b",
        _I,
    ),
]

FIRST_PERSON_PHONE = re.compile(
    rf"\b(?:mi\s+(?:celular|cel|telefono|numero|whats\s?app|wasap|cel\s+personal)|{_CONTACT_ME}|"
    rf"{_SEND_ME})\b",
    _I,
)
FIRST_PERSON_EMAIL = re.compile(
    rf"\b(?:mi\s+(?:correo|email|e-?mail)|{_CONTACT_ME}|{_SEND_ME})\b", _I
)

SECRECY = [
    # "no le digas a tus padres", "no se lo cuentes a nadie", "no le digas nada a tu mamá"
    re.compile(
        r"\bno\s+(?:se\s+lo\s+|se\s+la\s+|le\s+|les\s+|lo\s+|la\s+)?"
        r"(?:digas|diga|cuentes|cuente|ensenes|menciones|comentes|muestres|compartas)\s+"
        r"(?:(?:esto|eso|nada|lo\s+que\s+(?:paso|hablamos|te\s+dije|hicimos))\s+)?(?:(?:a|con)\s+)?"
        r"(?:(?:tu|tus|su|sus)\s+(?:padres|papas|papa|mama|mami|papi|madre|padre|familia|amig[oa]s|"
        r"herman[oa]s|abuel[oa]s?|tutores?|tio|tia)|nadie|ningun[oa]?\s+(?:maestr[oa]|profe\w*|"
        r"companer[oa])|(?:el|la|los|las)\s+(?:otr[oa]s\s+)?(?:maestr[oa]s?|profes\w*|director[a]?|"
        r"consejer[oa]|orientador[a]?|oficina))\b",
        _I,
    ),
    re.compile(
        r"\b(?:(?:esto\s+)?(?:queda|que\s+quede|quedara)\s+entre\s+(?:nosotros|nosotras|tu\s+y\s+yo|"
        r"los\s+dos|las\s+dos)|entre\s+tu\s+y\s+yo|nuestro\s+(?:pequeno\s+|pequenito\s+)?secreto|"
        r"(?:es|sera)\s+(?:un|nuestro)\s+secreto|guarda(?:lo|la)?\s+(?:el\s+|en\s+)?secreto|"
        r"(?:que\s+)?nadie\s+(?:se\s+(?:tiene\s+que\s+)?entere|tiene\s+(?:que|por\s+que)\s+saber(?:lo)?|"
        r"debe\s+saber(?:lo)?))\b",
        _I,
    ),
    # "borra este mensaje después de leerlo", "borra nuestros chats cuando termines"
    re.compile(
        r"\b(?:borra|borre|borres|elimina|eliminar|borrar)(?:lo|la|los|las)?\s+"
        r"(?:(?:este|estos|esta|estas|el|los|la|las|nuestro|nuestros|nuestra|nuestras|mis)\s+"
        r"(?:mensajes?|textos?|chats?|conversacion(?:es)?|fotos?|whats)\s+)?"
        r"(?:\w+\s+){0,2}?(?:despues|cuando|en\s+cuanto|apenas|al\s+(?:leer|terminar)|"
        r"para\s+que\s+(?:nadie|no))\b",
        _I,
    ),
    # meeting alone, off campus, at the teacher's home
    re.compile(
        r"\b(?:vernos|verte|nos\s+vemos|te\s+veo|reunirnos|encontrarnos|quedamos|juntarnos)\s+"
        r"(?:\w+\s+){0,2}?(?:a\s+solas|sol[oa]s|fuera\s+de\s+la\s+escuela|fuera\s+del\s+colegio|"
        r"en\s+mi\s+(?:casa|carro|coche|auto|departamento|apartamento|depa)|donde\s+nadie|"
        r"en\s+privado)\b",
        _I,
    ),
    re.compile(
        r"\b(?:ven(?:te)?|veni|vienes|venga|vengas|vengan|venir|vente|pasa|pasate|pasas|caete|caes)\s+"
        r"(?:\w+\s+)?a\s+mi\s+"
        r"(?:casa|departamento|apartamento|depa)\b|\b(?:yo\s+)?te\s+(?:recojo|paso\s+a\s+(?:buscar|recoger))\b|"
        r"\bsolo\s+(?:tu\s+y\s+yo|nosotros\s+dos|los\s+dos)\b",
        _I,
    ),
    re.compile(
        r"\b(?:mandame|enviame|pasame|manda(?:me)?|ensename)\s+(?:una\s+|unas\s+|otra\s+)?"
        r"(?:foto|fotos|selfie|selfies|fotito|fotitos)\s+(?:tuya|tuyas|de\s+ti|sola|solo)\b",
        _I,
    ),
    re.compile(
        r"\b(?:eres\s+(?:muy\s+|tan\s+)?(?:madur[oa]|especial)\s+para\s+tu\s+edad|"
        r"solo\s+yo\s+te\s+entiendo|nadie\s+te\s+entiende\s+como\s+yo)\b",
        _I,
    ),
]

_ABUSER = (
    r"(?:(?:mi|su|sus|mis)\s+(?:mama|mami|madre|papa|papi|padre|padrastro|madrastra|tio|tia|"
    r"hermano|hermana|prim[oa]|abuelo|abuela|novio|novia|pareja|padres|papas|nine?ra|entrenador|"
    r"(?:novio|esposo|pareja)\s+de\s+mi\s+(?:mama|madre|hermana))|el|ella|ellos)"
)
_HURT = (
    r"(?:pega|pego|pegan|pegaron|golpea|golpeo|golpean|golpearon|patea|pateo|ahorca|ahorco|"
    r"quema|quemo|toca|toco|tocan|manosea|manoseo|lastima|lastimo|maltrata|maltrato|"
    r"encierra|encerro|encierran|violo|viola|abusa|abuso|jala\s+del\s+pelo|"
    r"amenaza\s+con\s+(?:matar(?:me)?|pegar(?:me)?|golpear(?:me)?|correr(?:me)?)|"
    r"(?:da|dio|dan|daba)\s+(?:una\s+|unas\s+)?(?:cachetadas?|bofetadas?|golpes|patadas|palizas?|"
    r"cinturonazos|chanclazos)|deja\s+sin\s+comer|pega\s+con\s+(?:el\s+|la\s+)?(?:cinturon|cable|chancla))"
)
ABUSE = [
    re.compile(
        rf"\b{_ABUSER}\s+(?:me|nos|le|les|la|lo)\s+{_HURT}"
        r"(?!\s+(?:un\s+susto|el\s+resfriado|la\s+gripa|la\s+gripe|el\s+covid|en\s+(?:el|la)\s+"
        r"(?:juego|partido|fifa|ajedrez|carrera)))",
        _I,
    ),
    re.compile(
        rf"\b(?:me|nos)\s+{_HURT}\s+(?:mi|mis)\s+(?:mama|madre|papa|padre|padrastro|madrastra|tio|"
        r"tia|hermano|hermana|abuelo|abuela|novio|padres|papas)",
        _I,
    ),
    re.compile(
        r"\b(?:(?:tengo|tiene|tenemos|me\s+da)\s+miedo\s+(?:de\s+)?(?:ir(?:me)?|volver|regresar|llegar)\s+"
        r"a\s+(?:mi\s+|la\s+|su\s+)?casa|(?:tengo|tiene|tenemos)\s+miedo\s+(?:de|a)\s+(?:mi|su)\s+"
        r"(?:papa|mama|padre|madre|padrastro|madrastra|tio|abuelo|novio))\b",
        _I,
    ),
    re.compile(
        r"\b(?:no\s+hay\s+(?:nada\s+de\s+)?comida\s+en\s+(?:la\s+|mi\s+)?casa|"
        r"no\s+tenemos\s+(?:nada\s+(?:que|de)\s+comer|comida)|"
        r"no\s+(?:he|hemos|ha)\s+comido\s+(?:nada\s+)?(?:desde|en\s+(?:dos|tres|\d+)\s+dias)|"
        r"(?:me|nos|lo|la|los)\s+dej(?:an|aron|a|o|aban)\s+sol[oa]s?\s+(?:en\s+(?:la\s+)?casa\s+)?"
        r"(?:por|toda|todo|todas|varios|tres|dos|cuatro|\d+)|"
        r"me\s+(?:corrieron|echaron|sacaron|corrio|echo)\s+de\s+(?:la|mi)\s+casa|"
        r"(?:moretones|moretes|morados|marcas|quemaduras|cardenales)\s+(?:en|por\s+todo)\s+"
        r"(?:mi|mis|su|sus|el|la|los|las)\b|"
        r"me\s+toc(?:o|a|aron|aba)\s+(?:donde|mis\s+partes|en\s+mis\s+partes|de\s+una\s+(?:manera|forma))|"
        r"(?:abuso|abusa|abusaron|abusan|abusaba)\s+de\s+(?:mi|nosotros|nosotras|ella|el)\b|"
        r"(?:abus\w+|maltrat\w+)\s+(?:sexual(?:mente)?|fisic(?:o|a|amente))|"
        r"me\s+(?:esta|estan)\s+(?:abusando|maltratando|golpeando))",
        _I,
    ),
]

# insults for a person, singular or plural ("inútil", "inútiles")
_PERSON_INSULT = (
    r"(?:estupid[oa]s?|tont[oa]s?|idiotas?|imbecil(?:es)?|inutil(?:es)?|burr[oa]s?|pendej[oa]s?|"
    r"tarad[oa]s?|fe[oa]s?|gord[oa]s?|asqueros[oa]s?|fracasad[oa]s?|perdedor(?:a|es|as)?|"
    r"ridicul[oa]s?|patetic[oa]s?|retrasad[oa]s?|mens[oa]s?|babos[oa]s?|brut[oa]s?|cerd[oa]s?|"
    r"vacas?|marran[oa]s?)"
)
_INSULT = rf"(?:{_PERSON_INSULT}|basura|un\s+desastre|una\s+verguenza|un\s+asco)"
HARASSMENT = [
    re.compile(
        r"\b(?:maricon(?:es)?|jotos?|putos?|putas?|mongolic[oa]s?|subnormal(?:es)?|sudacas?|"
        r"hij[oa]s?\s+de\s+(?:puta|perra)|(?:negr[oa]|indi[oa])\s+de\s+mierda|"
        r"pinche\s+(?:indio|naco|mojado|negro|joto|gordo|gorda))\b",
        _I,
    ),
    # a directed insult: "eres un estúpido", "sos un inútil", "qué idiota eres"
    re.compile(
        r"(?<!\bno\s)\b(?:eres|sos|estas\s+(?:bien|muy|tan)|son\s+unos|son\s+unas)\s+"
        rf"(?:(?:muy|tan|bien|un|una|unos|unas|pinche|maldit[oa]|grandisim[oa]|tremend[oa])\s+)*{_INSULT}\b",
        _I,
    ),
    re.compile(rf"\bque\s+(?:(?:tan|mas)\s+)?{_INSULT}\s+(?:eres|sos|son)\b", _I),
    # about someone: "su hijo es un fracasado", "son unos inútiles"
    re.compile(
        r"(?<!\bno\s)\b(?:es|son|fue|era)\s+(?:un|una|unos|unas)\s+"
        rf"(?:(?:verdader[oa]s?|complet[oa]s?|total(?:es)?|pinches?|maldit[oa]s?)\s+)?{_PERSON_INSULT}\b",
        _I,
    ),
    re.compile(
        r"\b(?:callate|callense|cierra\s+(?:la\s+)?(?:boca|hocico|pico)|"
        r"(?:regresate|vete|largate|regresen|vayanse)\s+a\s+tu\s+pais|"
        r"te\s+voy\s+a\s+(?:golpear|pegar|matar|partir\s+la\s+(?:cara|madre)|romper\s+la\s+cara|"
        r"madrear|chingar|dar\s+una\s+paliza)|matate|suicidate|ojala\s+te\s+mueras|muerete|"
        r"nadie\s+te\s+(?:quiere|soporta|aguanta)|todos\s+te\s+odian|das\s+asco)\b",
        _I,
    ),
]

# Record terms, by kind (the English kinds of student_records._TERMS), searched in the
# deaccented, lower-cased text.
RECORD_TERMS: dict[str, str] = {
    "grades": r"(?:reprob\w+|calificacion(?:es)?(?!\s+(?:perfectas?|maximas?|excelentes?))|(?:malas?|bajas?)\s+notas?|"
    r"notas?\s+(?:bajas?|final(?:es)?|de\s+(?:matematicas|ciencias|ingles|espanol|lectura|historia|"
    r"la\s+clase|la\s+materia|este\s+(?:trimestre|semestre|bimestre|periodo)))|"
    r"(?:saco|saca|obtuvo)\s+(?:un|una)\s+(?:\d{1,3}|[a-f][+-]?)(?=\W)|"
    r"(?:un|una)\s+\d{1,3}\s+en\s+(?:el|la)\s+(?:examen|prueba|quiz|final|parcial)|"
    r"boleta(?:\s+de\s+calificaciones)?|libreta\s+de\s+notas|promedio|gpa|"
    r"repet(?:ir|ira|ia)\s+(?:el\s+)?(?:ano|grado|curso)|repite\s+(?:el\s+)?(?:ano|grado|curso)|"
    r"nivel\s+de\s+lectura|por\s+debajo\s+del\s+nivel|bajo\s+rendimiento|va\s+mal\s+en|"
    r"expediente(?:\s+academico)?|historial\s+academico|suspendi(?:o|do|da)\s+(?:el|la|en)\s+"
    r"(?:examen|prueba|materia|asignatura|matematicas|ingles|lengua|ciencias))",
    "special education": r"(?:iep|pei|p\.e\.i\.|plan\s+(?:de\s+educacion|educativo)\s+"
    r"individualizad[oa]|programa\s+(?:de\s+educacion|educativo)\s+individualizad[oa]|"
    r"plan\s+504|educacion\s+especial|necesidades\s+(?:educativas\s+)?especiales|"
    r"discapacidad(?:es)?|dislexi\w+|terapia\s+del?\s+(?:lenguaje|habla)|"
    r"(?:sala|aula|salon)\s+de\s+recursos|adaptaciones|acomodaciones|acomodos|"
    r"evaluacion\s+(?:de\s+educacion\s+especial|psicologica|psicoeducativa))",
    "discipline": r"(?:suspendid[oa]s?|suspension|expulsad[oa]|expulsion|castigad[oa]|"
    r"detencion|reporte\s+(?:de\s+conducta|disciplinario)|citatorio|amonestacion|"
    r"medida\s+disciplinaria|disciplin\w+|problemas?\s+de\s+conducta|mala\s+conducta|"
    r"mal\s+comportamiento|(?:lo|la)\s+mandaron\s+a\s+(?:la\s+)?(?:direccion|oficina)|"
    r"plan\s+de\s+conducta|pele(?:a|o|aron|ando)\s+(?:en|durante)|"
    r"llamaron\s+a\s+la\s+policia|arrestad[oa]|vapeando|vapear)",
    "health": r"(?:diagnostic\w+|tdah|autismo|autista|asperger|ansiedad|depresion|deprimid[oa]|"
    r"medicamentos?|medicacion|alergi\w+|asma|inhalador|epipen|convulsiones|epilepsia|"
    r"diabet\w+|insulina|piojos|terapia|terapeuta|psicolog[oa]|psiquiatra|consejeria|"
    r"hospitalizad[oa]|internad[oa]|(?:en|al)\s+(?:el\s+)?hospital|emergencias|urgencias|"
    r"neumonia|bronquitis|varicela|sarampion|influenza|infeccion|embarazad[ao]|embarazo|conmocion(?:\s+cerebral)?|trastorno\s+alimenticio|"
    r"cirugia|enferm[oa]|se\s+enfermo|vomit\w+|fiebre|gripe|gripa|covid|vacunas?|"
    r"autolesion\w*|suicid\w+|enfermeria)",
    "attendance": r"(?:ausente|ausencias?|faltas?\s+(?:injustificadas?|sin\s+justificar)|"
    r"ha\s+faltado|falto\s+(?:\d+|dos|tres|cuatro|cinco|varios|muchos)\s+dias|inasistencias?|"
    r"(?:problemas?\s+de|carta\s+de|registro\s+de)\s+asistencia|asistencia\s+(?:irregular|baja)|"
    r"llegadas\s+tarde|retardos|tardanzas?|ausentismo|absentismo|se\s+(?:va|fue)\s+de\s+pinta|"
    r"se\s+(?:salta|salto|volo)\s+(?:las\s+)?clases)",
}
RECORD = re.compile(
    "|".join(f"(?P<g{i}>\\b{rx}\\b)" for i, rx in enumerate(RECORD_TERMS.values())), _I
)
RECORD_KINDS = list(RECORD_TERMS)


def record_terms(plain: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every Spanish record term in the deaccented text."""
    return [
        (m.start(), m.end(), RECORD_KINDS[int((m.lastgroup or "g0")[1:])])
        for m in RECORD.finditer(plain)
    ]


# The largest patterns compile a looser gate into the prefilter (prefilter.register_gated): the
# start that every match begins with, cut before the alternations that multiply.
GATES: dict[int, str] = {
    # "<verb> tu|su|la ..."
    id(CREDENTIAL[0]): CREDENTIAL[0].pattern[: CREDENTIAL[0].pattern.index(r"te\s+pido")]
    + r"te\s+pido|le\s+pido|pideles|pidele|(?:voy\s+a|vamos\s+a)\s+necesitar)\s+(?:tu|tus|su|sus|la)\s",
    # "<password word> de|del|para tu|su"
    id(CREDENTIAL[1]): rf"\b{_CRED}\s+(?:de|del|para)\s+{_TU}\s",
    # "<let me|I will> <enter|sign in> a|en|con tu"
    id(CREDENTIAL[2]): CREDENTIAL[2].pattern[: CREDENTIAL[2].pattern.index(r"(?:a|en|con|al)\s+")]
    + r"(?:a|en|con|al)\s+"
    + _TU
    + r"\s",
    # "<mi papá|él> me|nos|le... "
    id(ABUSE[0]): rf"\b{_ABUSER}\s+(?:me|nos|le|les|la|lo)\s",
}
PATTERNS = [*CREDENTIAL, *CHANNEL, *SECRECY, *ABUSE, *HARASSMENT, RECORD]
for _p in PATTERNS:
    if id(_p) in GATES:
        prefilter.register_gated(_p, GATES[id(_p)])
# One group behind one gate of Spanish words (prefilter.register_group): English mail, most of
# it, rarely holds one, and the group's own database is then not scanned at all.
prefilter.register_group("es", *PATTERNS)
