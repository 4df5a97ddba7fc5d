"""Spanish text (issue 23, point 3): records, credential requests, personal channels, secrecy,
harassment and abuse disclosures are found in Spanish as in English, with the same detector,
clause and severity; the Hyperscan prefilter never hides a Spanish match.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from chalkline.screening import Audience, Message, RosterIndex, Sender, prefilter, screen
from chalkline.screening.cli import parse_message
from chalkline.screening.detectors import spanish
from chalkline.screening.text import deaccent

CORPUS_ES = Path(__file__).resolve().parents[3] / "tests" / "data" / "screening_corpus_es.jsonl"

T2S = (Sender("teacher", "t-walsh"), Audience("direct", ("s-031",)))
T2G = (Sender("teacher", "t-walsh"), Audience("direct", ("g-031",)))
S2T = (Sender("student", "s-031"), Audience("direct", ("t-walsh",)))
G2T = (Sender("guardian", "g-031"), Audience("direct", ("t-walsh",)))
CLASS = (Sender("teacher", "t-nguyen"), Audience("class", (), "c-sci7"))

CASES = [
    ("student_record", CLASS, "Chase Miller tiene un plan de educación individualizado.", True),
    ("student_record", CLASS, "Chase Miller tiene un plan de educacion individualizado.", True),
    ("student_record", CLASS, "Las calificaciones de Kevin Tran bajaron mucho.", True),
    ("student_record", CLASS, "Diego Ramirez fue suspendido tres días.", True),
    ("student_record", CLASS, "El expediente de Priya Sharma llegó de otra escuela.", True),
    ("student_record", CLASS, "Joy Park tiene muchas inasistencias este mes.", True),
    ("student_record", T2G, "Chase tiene que entregar su boleta firmada.", False),
    ("student_record", CLASS, "Las calificaciones se publican el viernes.", False),
    ("credential_request", T2S, "¿Cuál es tu contraseña de Instagram?", True),
    ("credential_request", T2S, "Déjame entrar a tu Snapchat para arreglarlo.", True),
    ("credential_request", T2S, "Voy a entrar como tú en TikTok.", True),
    ("credential_request", CLASS, "Nunca compartan su contraseña con nadie.", False),
    ("credential_request", CLASS, "No le den su contraseña a nadie.", False),
    ("credential_request", CLASS, "Entren a Canvas para ver la tarea.", False),
    ("personal_channel", T2S, "Escríbeme por WhatsApp si tienes dudas.", True),
    ("personal_channel", T2G, "Mándeme un whats y ahí platicamos.", True),
    ("personal_channel", CLASS, "Síganme en Instagram @coach.walsh", True),
    ("personal_channel", T2G, "Mi número personal es +52 55 1234 5678.", True),
    ("personal_channel", CLASS, "Sigan la cuenta de Instagram de la escuela.", False),
    ("personal_channel", CLASS, "Llamen a la oficina al (847) 555-0100.", False),
    ("secrecy", T2S, "No le digas a tus padres.", True),
    ("secrecy", T2S, "Esto queda entre nosotros, ¿sí?", True),
    ("secrecy", T2S, "Borra este mensaje después de leerlo.", True),
    ("secrecy", CLASS, "No le digan a su mamá, es una sorpresa.", False),
    ("harassment", T2S, "Eres un estúpido.", True),
    ("harassment", S2T, "cállate", True),
    ("harassment", T2S, "No eres tonto, solo te falta practicar.", False),
    ("harassment", CLASS, "El piso está mojado.", False),
    ("abuse_disclosure", S2T, "Mi padrastro me pega cuando llego tarde.", True),
    ("abuse_disclosure", S2T, "No hay comida en la casa.", True),
    ("abuse_disclosure", G2T, "Su tío la tocó, me lo contó anoche.", True),
    ("abuse_disclosure", S2T, "Mi mamá me ganó en Scrabble.", False),
    ("abuse_disclosure", S2T, "Tengo miedo del examen de mañana.", False),
]


@pytest.mark.parametrize(("detector", "who", "text", "expected"), CASES)
def test_spanish_detector(
    index: RosterIndex, detector: str, who: tuple[Sender, Audience], text: str, expected: bool
) -> None:
    got = [f for f in screen(Message(text, *who), index=index) if f.detector == detector]
    assert bool(got) is expected, [(f.detector, text[f.start : f.end]) for f in got]


def test_a_spanish_abuse_disclosure_shows_the_hotline_like_the_english_one(
    index: RosterIndex,
) -> None:
    (en,) = screen(Message("My stepdad hits me when I'm late.", *S2T), index=index)
    (es,) = screen(Message("Mi padrastro me pega cuando llego tarde.", *S2T), index=index)
    assert (es.detector, es.clause, es.severity) == (en.detector, en.clause, en.severity)
    assert es.to_dict()["hotline"] == en.to_dict()["hotline"] == "1-800-252-2873"
    assert "1-800-25-ABUSE" in es.message


def test_offsets_point_into_the_accented_text(index: RosterIndex) -> None:
    text = "Señor Walsh: ¿cuál es tu contraseña de Instagram?"
    (f,) = [
        f for f in screen(Message(text, *T2S), index=index) if f.detector == "credential_request"
    ]
    assert text[f.start : f.end] == "cuál es tu contraseña"


def _rows() -> list[dict[str, object]]:
    return [json.loads(x) for x in CORPUS_ES.read_text(encoding="utf-8").splitlines() if x]


def test_the_spanish_set_scores_at_least_0_9_per_detector(index: RosterIndex) -> None:
    stats: dict[str, list[int]] = {}
    for row in _rows():
        found = [f.to_dict() for f in screen(parse_message(row), index=index)]
        labels: list[dict[str, int | str]] = row["labels"]  # type: ignore[assignment]
        for d in {str(g["detector"]) for g in labels} | {str(f["detector"]) for f in found}:
            pred = [f for f in found if f["detector"] == d]
            gold = [g for g in labels if g["detector"] == d]
            s = stats.setdefault(d, [0, 0, 0, 0])  # predicted, true, gold, recalled
            s[0] += len(pred)
            s[1] += sum(
                any(p["start"] < g["end"] and g["start"] < p["end"] for g in gold) for p in pred
            )
            s[2] += len(gold)
            s[3] += sum(
                any(p["start"] < g["end"] and g["start"] < p["end"] for p in pred) for g in gold
            )
    assert {"student_record", "credential_request", "personal_channel", "secrecy"} <= stats.keys()
    assert {"abuse_disclosure", "harassment", "student_name"} <= stats.keys()
    for d, (n_pred, n_true, n_gold, n_recalled) in stats.items():
        assert n_pred == 0 or n_true / n_pred >= 0.9, (d, "precision", n_true, n_pred)
        assert n_gold == 0 or n_recalled / n_gold >= 0.9, (d, "recall", n_recalled, n_gold)


SPANISH_PATTERNS = [
    *spanish.CREDENTIAL,
    *spanish.CHANNEL,
    *spanish.SECRECY,
    *spanish.ABUSE,
    *spanish.HARASSMENT,
    spanish.RECORD,
]


def _spanish_texts() -> list[str]:
    corpus = [str(r["text"]) for r in _rows()]
    rng = random.Random(23)
    words = [
        "déjame", "entrar", "a", "tu", "Instagram", "contraseña", "mándame", "un", "whats",
        "no", "le", "digas", "tus", "papás", "mi", "padrastro", "me", "pega", "eres", "un",
        "estúpido", "calificaciones", "educación", "especial", "suspensión", "José", "Ñandú",
        "ESTO", "QUEDA", "ENTRE", "NOSOTROS", "e\u0301", "\u00a0", "\n", "¿", "¡", "İ", "ß",
    ]  # fmt: skip
    texts = []
    for _ in range(2000):
        picked = rng.choices(words, k=rng.randint(1, 25))
        texts.append(" ".join(picked))
    return corpus + [t.upper() for t in corpus] + texts


@pytest.mark.skipif(not prefilter.available(), reason="hyperscan is not installed")
def test_the_prefilter_never_hides_a_spanish_match() -> None:
    for pattern in SPANISH_PATTERNS:
        assert prefilter.position(pattern) is not None
    matched = 0
    for text in _spanish_texts():
        found = prefilter.may_match(text)
        assert found is not None
        plain = deaccent(text)
        assert len(plain) == len(text)
        for pattern in SPANISH_PATTERNS:
            if pattern.search(plain):
                matched += 1
                assert prefilter.position(pattern) in found, (pattern.pattern[:40], text)
    assert matched > 150


def test_deaccent_keeps_offsets_and_case() -> None:
    assert deaccent("Educación ESPAÑOLA, pingüino") == "Educacion ESPANOLA, pinguino"
    assert deaccent("ascii stays") == "ascii stays"
    text = "Zoë\u00a0ﬁ Ωμέγα e\u0301"
    assert len(deaccent(text)) == len(text)
