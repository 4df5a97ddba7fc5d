"""Deterministic synthetic districts and messages for the screening benchmarks (no downloads).

Names: the common given/family names below plus a long tail of made-up names (syllable
combinations), drawn with a skewed (Zipf-like) frequency, so a 1,000,000-student roster has tens
of thousands of distinct name words, as a real district does.

Messages are written from templates that know nothing about the detectors: ordinary school
sentences, names of students drawn from the roster (mostly the sender's own classes), names of
people who are not students (authors, historical figures, staff with honorifics), dates, rooms and
times. Most messages name no student; some name one or two.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any

from chalkline.screening import (
    Audience,
    ClassRecord,
    EnrollmentRecord,
    Message,
    RosterIndex,
    Sender,
    StaffRecord,
    StudentRecord,
    bulk_build,
)


def _words(names: str) -> list[str]:
    return names.split()


GIVEN = _words("""
    Liam Noah Oliver James Elijah Mateo Theo Henry Lucas William Benjamin Levi Sebastian Jack
    Ezra Michael Daniel Leo Owen Samuel Hudson Alexander Asher Luca Ethan John David Jackson
    Joseph Mason Luke Matthew Julian Dylan Elias Jacob Maverick Gabriel Logan Aiden Thomas Isaac
    Miles Grayson Santiago Anthony Wyatt Carter Jayden Ezekiel Caleb Cooper Josiah Charles
    Christopher Isaiah Nolan Cameron Nathan Joshua Kai Waylon Angel Lincoln Andrew Roman Adrian
    Aaron Wesley Ian Thiago Axel Brooks Bennett Weston Rowan Christian Theodore Jonathan Ryan
    Jordan Diego Carlos Jose Luis Juan Olivia Emma Charlotte Amelia Sophia Mia Isabella Ava
    Evelyn Luna Harper Sofia Camila Eleanor Elizabeth Violet Scarlett Emily Hazel Lily Gianna
    Aurora Penelope Aria Nora Chloe Ellie Mila Avery Layla Abigail Ella Isla Eliana Nova Madison
    Zoe Ivy Grace Lucy Willow Emilia Riley Naomi Victoria Stella Elena Hannah Valentina Maya
    Zoey Delilah Leah Lainey Lillian Paisley Genesis Madelyn Sadie Sophie Leilani Addison
    Natalie Josephine Alice Ruby Claire Kinsley Everly Emery Adeline Kennedy Maria Priya Aaliyah
    Ximena Fatima Mariam Amira Yuki Mei Hana Ana Lucia Guadalupe
""")
FAMILY = _words("""
    Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
    Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
    Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
    Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips
    Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook
    Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
    Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez
    Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan
    Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson
    Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera
    Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison
    Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker
    Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason
    Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox
    Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan
    Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos
    Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews
    Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis
    Carpenter Lawrence Sandoval Okafor Adeyemi Okonkwo Kowalski Novak Rossi Russo Fischer Weber
    Schneider Becker Sharma Singh Gupta Khan
""")
CLASS_SIZE = 25
CLASSES_PER_TEACHER = 5
STUDENTS_PER_BUILDING = 550

_ONSETS = [
    "b",
    "d",
    "f",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "dr",
    "kr",
    "tr",
]
_NUCLEI = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
_CODAS = ["", "n", "l", "r", "s", "th", "nd", "x", "m", "v"]


def _made_up(rng: random.Random, count: int, syllables: tuple[int, int]) -> list[str]:
    out: dict[str, None] = {}
    while len(out) < count:
        parts = [
            rng.choice(_ONSETS) + rng.choice(_NUCLEI) + rng.choice(_CODAS)
            for _ in range(rng.randint(*syllables))
        ]
        out["".join(parts).capitalize()] = None
    return list(out)


def _zipf_pool(
    head: list[str], tail: list[str], head_share: float
) -> tuple[list[str], list[float]]:
    """Names with cumulative weights: ``head_share`` of draws from ``head`` (Zipf), rest from tail."""
    pool = head + tail
    w_head = [1 / (r + 1) for r in range(len(head))]
    w_tail = [1 / (r + 10) for r in range(len(tail))]
    sh, st = sum(w_head), sum(w_tail)
    weights = [w * head_share / sh for w in w_head] + [w * (1 - head_share) / st for w in w_tail]
    cum, acc = [], 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    return pool, cum


def name_pools(
    seed: int = 5125,
) -> tuple[tuple[list[str], list[float]], tuple[list[str], list[float]]]:
    rng = random.Random(seed)
    givens = _zipf_pool(GIVEN, _made_up(rng, 6000, (2, 3)), 0.75)
    families = _zipf_pool(FAMILY, _made_up(rng, 40000, (2, 3)), 0.6)
    return givens, families


def synth_roster(n_students: int, seed: int = 5125) -> Iterator[tuple[str, Any]]:
    """The records of a district of ``n_students`` with one guardian each, classes of 25 and
    teachers of 5 classes, as ("student" | "guardian" | "class" | "enrollment" | "staff", data)
    pairs in the order an index is built from them. Deterministic for a seed."""
    rng = random.Random(seed)
    (gpool, gcum), (fpool, fcum) = name_pools(seed)
    n_classes = (n_students + CLASS_SIZE - 1) // CLASS_SIZE
    teachers = [
        f"t{n:06d}" for n in range((n_classes + CLASSES_PER_TEACHER - 1) // CLASSES_PER_TEACHER)
    ]
    yield "teachers", teachers
    for n in range(n_students):
        g = rng.choices(gpool, cum_weights=gcum)[0]
        f = rng.choices(fpool, cum_weights=fcum)[0]
        if rng.random() < 0.05:
            f = f"{f}-{rng.choices(fpool, cum_weights=fcum)[0]}"
        sid = f"s{n:07d}"
        user = f"{g[0]}{f}{n}".lower().replace("-", "")
        yield (
            "student",
            StudentRecord(
                sourced_id=sid,
                given_name=g,
                family_name=f,
                preferred_name=rng.choices(gpool, cum_weights=gcum)[0]
                if rng.random() < 0.02
                else "",
                identifier=str(10_000_000 + n),
                username=user,
                email=f"{user}@students.bigdistrict.org",
                building_ids=(f"b{n // STUDENTS_PER_BUILDING:04d}",),
                directory_opt_out=rng.random() < 0.03,
                media_release=rng.random() < 0.9,
            ),
        )
        yield "guardian", (f"g{n:07d}", (sid,))
    for c in range(n_classes):
        cid = f"c{c:06d}"
        b = f"b{(c * CLASS_SIZE) // STUDENTS_PER_BUILDING:04d}"
        yield "class", ClassRecord(cid, "", b)
        yield "enrollment", EnrollmentRecord(cid, teachers[c // CLASSES_PER_TEACHER], "teacher")
        for n in range(c * CLASS_SIZE, min(n_students, (c + 1) * CLASS_SIZE)):
            yield "enrollment", EnrollmentRecord(cid, f"s{n:07d}", "student")
    for t in teachers:
        yield (
            "staff",
            StaffRecord(
                t,
                rng.choices(gpool, cum_weights=gcum)[0],
                rng.choices(fpool, cum_weights=fcum)[0],
                building_ids=(
                    f"b{int(t[1:]) * CLASSES_PER_TEACHER * CLASS_SIZE // STUDENTS_PER_BUILDING:04d}",
                ),
            ),
        )


def build_index(n_students: int, seed: int = 5125) -> tuple[RosterIndex, list[str]]:
    """The index of synth_roster(n_students, seed), and its teachers' ids."""
    return index_from(synth_roster(n_students, seed))


def index_from(records: Iterable[tuple[str, Any]]) -> tuple[RosterIndex, list[str]]:
    """An index built from synth_roster()'s pairs (a generator, or a list made beforehand),
    and the teachers' ids."""
    index = RosterIndex(
        district_domains=["bigdistrict.org"],
        student_email_domains=["students.bigdistrict.org"],
        district_phones=["312-555-0100"],
    )
    teachers: list[str] = []
    with bulk_build():  # as every production builder does (from_records, load_oneroster, ...)
        for kind, data in records:
            if kind == "student":
                index.upsert_student(data)
            elif kind == "guardian":
                index.link_guardian(*data)
            elif kind == "enrollment":
                index.add_enrollment(data)
            elif kind == "class":
                index.upsert_class(data)
            elif kind == "staff":
                index.upsert_staff(data)
            else:
                teachers = data
    return index.prepare(), teachers


# ---- messages ------------------------------------------------------------------------------
# Ordinary sentences; {s} is a student's name (as written by staff), {p} someone who is not a
# student, {t} a staff member, {d} a day or date, {r} a room, {h} a time.
SENTENCES = [
    "Just a reminder that the field trip forms are due on {d}, so please check your child's folder tonight.",
    "We will be starting our unit on fractions next week, and practicing at home really helps.",
    "I hope everyone had a restful weekend and is ready for a busy week of learning!",
    "Picture day is {d} and retakes will be in June for anyone who was absent.",
    "Please pack a healthy snack and a water bottle every day; our lunch period is late this semester.",
    "Thank you to all the families who donated supplies, our classroom is fully stocked.",
    "If you have questions, message me through the district hub or call the front office at 312-555-0100.",
    "The book fair opens {d} in the library and students can shop during their library time.",
    "Our science fair projects are coming along nicely and the posters look fantastic.",
    "Conferences will be held the week of October 21, and a sign-up link will follow soon.",
    "This week we read a biography of {p} and wrote short reflections about courage.",
    "{t} will be covering my classes on {d} while I am at a training.",
    "The band concert starts at {h} in the gym; doors open thirty minutes early.",
    "May I remind everyone that late work loses ten percent per day after the due date.",
    "Will you please sign and return the permission slip by {d}?",
    "Grace periods for library books end on {d}, so check under the beds and in the car.",
    "We are looking for parent volunteers for the spring carnival, even an hour helps.",
    "Room {r} will be closed for painting, so our class meets in the library instead.",
    "The long weekend starts {d}; have a safe and happy break.",
    "Our guest speaker, {p}, talked about careers in science and answered lots of questions.",
    "Please see {t} in room {r} if your child needs a new locker combination.",
    "Homework this week is a short reading log and one page of math practice each night.",
    "Young authors will share their stories at the writing celebration at {h} on {d}.",
    "Thanks to {t} for organizing the canned food drive; we collected over 400 items.",
    "The spelling test moved to {d} because of the assembly.",
    "Remember that the school day ends at {h} on early release days.",
    "We watched a short video about {p} and discussed the main ideas in small groups.",
    "Big congratulations to {s} for an outstanding presentation today!",
    "{s} and {s2} were our line leaders this week and did a great job.",
    "Please welcome {s} to our class, we are so happy to have a new friend.",
    "Shout out to {s} for helping a classmate who was having a hard morning.",
    "{s} brought in a fossil collection to share and the class loved it.",
    "I wanted to let you know that {s} has been working really hard on reading.",
    "{s} will be the student of the month at the assembly on {d}.",
    "Could you ask {s} to return the library book by {d}?",
    "Great teamwork from {s} and {s2} on the robotics challenge.",
]
NOT_STUDENTS = [
    "Martin Luther King Jr.",
    "Rosa Parks",
    "Abraham Lincoln",
    "Eric Carle",
    "Mo Willems",
    "Amelia Earhart",
    "Jane Goodall",
    "George Washington Carver",
    "Katherine Johnson",
    "Dr. Seuss",
    "Harriet Tubman",
    "Neil Armstrong",
    "Frida Kahlo",
    "Roberto Clemente",
    "Maya Angelou",
    "Sally Ride",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "May 5", "March 14", "June 2"]
HONORIFIC = ["Mrs.", "Mr.", "Ms.", "Coach", "Dr."]


def _student_name(rng: random.Random, rec: StudentRecord) -> str:
    r = rng.random()
    if r < 0.45:
        return f"{rec.given_name} {rec.family_name}"
    if r < 0.9:
        return rec.given_name
    return f"{rec.given_name} {rec.family_name[0]}."


def messages(
    index: RosterIndex, teachers: list[str], count: int, seed: int = 7
) -> Iterator[Message]:
    """Text-only messages averaging about 400 characters from staff to classes, families,
    colleagues, buildings and the public; about 55% name no student, the rest one or two."""
    rng = random.Random(seed)
    plain = [s for s in SENTENCES if "{s" not in s]
    naming = [s for s in SENTENCES if "{s}" in s and "{s2}" not in s]
    pair = [s for s in SENTENCES if "{s2}" in s]
    n_students = len(index)
    for _ in range(count):
        t = rng.choice(teachers)
        classes = index.classes_taught_by(t)
        cid = rng.choice(classes)
        roster = sorted(index.class_students(cid))
        k = rng.choices((0, 1, 2), weights=(55, 30, 15))[0]
        picks: list[StudentRecord] = []
        for _ in range(k):
            sid = rng.choice(roster) if rng.random() < 0.85 else f"s{rng.randrange(n_students):07d}"
            rec = index.student(sid)
            if rec is not None:
                picks.append(rec)
        kind = rng.choices(
            ("class", "direct_family", "direct_staff", "staff", "building", "public"),
            weights=(45, 20, 10, 5, 10, 10),
        )[0]
        if kind == "class":
            aud = Audience("class", (), cid)
        elif kind == "direct_family":
            about = picks[0].sourced_id if picks else rng.choice(roster)
            aud = Audience("direct", index.guardians_of(about))
        elif kind == "direct_staff":
            aud = Audience("direct", (rng.choice(teachers),))
        elif kind == "staff":
            aud = Audience("staff", (), building_id=sorted(index.staff_buildings(t))[0])
        else:
            aud = Audience(kind)  # type: ignore[arg-type]
        target = rng.randint(220, 460)
        parts: list[str] = []
        todo = list(picks)
        while todo and len(todo) >= 2 and rng.random() < 0.5:
            parts.append(rng.choice(pair).replace("{s2}", todo.pop().given_name))
            parts[-1] = parts[-1].replace("{s}", _student_name(rng, todo.pop()))
        for rec in todo:
            parts.append(rng.choice(naming).replace("{s}", _student_name(rng, rec)))
        while sum(len(p) + 1 for p in parts) < target:
            parts.append(rng.choice(plain))
        rng.shuffle(parts)
        text = " ".join(parts)
        staff = index.staff(rng.choice(teachers))
        text = (
            text.replace("{p}", rng.choice(NOT_STUDENTS))
            .replace("{t}", f"{rng.choice(HONORIFIC)} {staff.family_name if staff else 'Lee'}")
            .replace("{d}", rng.choice(DAYS))
            .replace("{r}", str(rng.randrange(100, 330)))
            .replace("{h}", f"{rng.randint(1, 7)}:{rng.choice(('00', '15', '30', '45'))}")
        )
        me = index.staff(t)
        if me is not None and rng.random() < 0.5:
            text += f"\n\n{me.given_name} {me.family_name}"
        yield Message(text, Sender("teacher", t), aud)


def photo_jpeg(width: int = 1000, height: int = 1000, seed: int = 3) -> bytes:
    """A 1-megapixel JPEG with shapes and noise (a stand-in for a classroom photo)."""
    import io

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    img = Image.effect_noise((width, height), 40).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(10, 120)
        color = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=color)
    img = img.filter(ImageFilter.GaussianBlur(1))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    return buf.getvalue()


def logo_jpeg() -> bytes:
    """A District logo (ring, triangle, bars, letters) for the logo check in the image bench."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (300, 300), "white")
    d = ImageDraw.Draw(img)
    d.ellipse((20, 20, 280, 280), outline="navy", width=14)
    d.polygon([(150, 45), (250, 230), (50, 230)], fill="darkred")
    d.rectangle((110, 150, 190, 215), fill="gold")
    for i in range(6):
        d.line((60 + i * 30, 250, 90 + i * 30, 270), fill="black", width=5)
    d.text((105, 95), "BIGD", fill="white")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()
