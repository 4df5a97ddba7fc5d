"""A realistic synthetic district, deterministic for a seed. Used by the demo, tests and benchmarks.

Names are drawn from mixed lists (diacritics, hyphenated and two-part family names, given names that
are also ordinary words) so that screening and directory code meet realistic data.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

GIVEN_NAMES = [
    "Maria",
    "Sofia",
    "Olivia",
    "Emma",
    "Ava",
    "Mia",
    "Isabella",
    "Amelia",
    "Harper",
    "Evelyn",
    "Abigail",
    "Emily",
    "Ella",
    "Elizabeth",
    "Camila",
    "Luna",
    "Aaliyah",
    "Chloe",
    "Penelope",
    "Layla",
    "Riley",
    "Zoey",
    "Nora",
    "Lily",
    "Eleanor",
    "Hannah",
    "Lillian",
    "Addison",
    "Aubrey",
    "Ellie",
    "Stella",
    "Natalie",
    "Zoe",
    "Leah",
    "Hazel",
    "Violet",
    "Aurora",
    "Savannah",
    "Audrey",
    "Brooklyn",
    "Bella",
    "Claire",
    "Skylar",
    "Lucy",
    "Paisley",
    "Liam",
    "Noah",
    "Oliver",
    "Elijah",
    "James",
    "William",
    "Benjamin",
    "Lucas",
    "Henry",
    "Theodore",
    "Jack",
    "Levi",
    "Alexander",
    "Jackson",
    "Mateo",
    "Daniel",
    "Michael",
    "Mason",
    "Sebastian",
    "Ethan",
    "Logan",
    "Owen",
    "Samuel",
    "Jacob",
    "Asher",
    "Aiden",
    "John",
    "Joseph",
    "Wyatt",
    "David",
    "Leo",
    "Luke",
    "Julian",
    "Hudson",
    "Grayson",
    "Matthew",
    "Ezra",
    "Gabriel",
    "Carter",
    "Isaac",
    "Jayden",
    "Luca",
    "Anthony",
    "Dylan",
    "Lincoln",
    "Thomas",
    "Maverick",
    "Elias",
    "Josiah",
    "Charles",
    "Caleb",
    "Christopher",
    "Ezekiel",
    "Miles",
    "Jaxon",
    "Isaiah",
    "Andrew",
    "Joshua",
    "Nathan",
    "Nolan",
    "Adrian",
    "Cameron",
    "Santiago",
    "Eli",
    "Aaron",
    "Ryan",
    "Angel",
    "Cooper",
    "Waylon",
    "Easton",
    "Kai",
    "Christian",
    "Landon",
    "Colton",
    "Roman",
    "José",
    "Zoë",
    "Chloé",
    "Renée",
    "André",
    "Joaquín",
    "Sofía",
    "Inés",
    "Ximena",
    "Dmitri",
    "Aleksandr",
    "Priya",
    "Aarav",
    "Vihaan",
    "Ananya",
    "Mohammed",
    "Fatima",
    "Aisha",
    "Omar",
    "Yusuf",
    "Mei",
    "Wei",
    "Hiroshi",
    "Yuki",
    "Minh",
    "Thanh",
    "Kwame",
    "Amara",
    "Chidi",
    "Ngozi",
    "Oluwaseun",
    "Will",
    "Hope",
    "May",
    "Grace",
    "Bill",
    "Art",
    "Summer",
    "Hunter",
    "Faith",
    "Joy",
    "Mark",
    "June",
    "Dawn",
    "Amber",
    "Chase",
    "River",
    "Sky",
    "Rose",
]

FAMILY_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Dąbrowski",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "O'Brien",
    "O'Connor",
    "McCarthy",
    "MacDonald",
    "Murphy",
    "Kelly",
    "Sullivan",
    "Patel",
    "Shah",
    "Singh",
    "Kumar",
    "Gupta",
    "Khan",
    "Ali",
    "Ahmed",
    "Hussain",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Yang",
    "Huang",
    "Kim",
    "Park",
    "Choi",
    "Tran",
    "Pham",
    "Le",
    "Vo",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Owusu",
    "Diallo",
    "Traoré",
    "Haddad",
    "Nasser",
    "Cohen",
    "Levi",
    "Friedman",
    "García-López",
    "Smith-Jones",
    "Pérez-Ortiz",
    "Van_Buren",
    "De_La_Cruz",
    "St._Pierre",
    "Del_Rosario",
    "Ní_Bhriain",
    "Jiménez",
    "Núñez",
    "Peña",
    "Ibáñez",
    "Castillo",
    "Ortega",
    "Delgado",
    "Vargas",
    "Romero",
    "Ruiz",
    "Alvarez",
    "Mendoza",
    "Guzman",
    "Reyes",
]
FAMILY = [name.replace("_", " ") for name in FAMILY_NAMES]  # "_" joins two-part names

LEVELS = [("elementary", "Elementary School"), ("middle", "Middle School"), ("high", "High School")]
PLACE_WORDS = [
    "North",
    "South",
    "East",
    "West",
    "Lincoln",
    "Prairie",
    "Oak",
    "Maple",
    "Cedar",
    "Willow",
    "Lakeside",
    "Riverside",
    "Hillcrest",
    "Meadowview",
    "Washington",
    "Jefferson",
    "Franklin",
    "Roosevelt",
    "Kennedy",
    "Douglas",
    "Harbor",
    "Summit",
    "Pioneer",
    "Heritage",
    "Brookside",
    "Fairview",
    "Parkside",
    "Sunset",
    "Valley",
    "Ridge",
    "Grove",
    "Elmwood",
    "Pine",
    "Birch",
    "Aspen",
    "Cherry",
    "Orchard",
]

TEACHER_TITLES = [
    "Teacher, Grade 1",
    "Teacher, Grade 2",
    "Teacher, Grade 3",
    "Teacher, Grade 4",
    "Teacher, Grade 5",
    "Math Teacher",
    "English Teacher",
    "Science Teacher",
    "Social Studies Teacher",
    "Art Teacher",
    "Music Teacher",
    "Physical Education Teacher",
    "Special Education Teacher",
    "Spanish Teacher",
]
SUPPORT_TITLES = [
    "Paraprofessional",
    "Instructional Aide",
    "School Counselor",
    "School Nurse",
    "Librarian",
    "Speech-Language Pathologist",
    "School Psychologist",
    "Social Worker",
    "Secretary",
    "Custodian",
    "Bus Driver",
    "Food Service Worker",
    "Technology Coordinator",
    "Coach",
]


@dataclass(frozen=True)
class DemoBuilding:
    code: str
    name: str
    level: str


@dataclass(frozen=True)
class DemoPerson:
    key: str  # stable id within the demo: sourcedId
    kind: str
    given_name: str
    family_name: str
    email: str
    building_codes: tuple[str, ...]
    job_title: str = ""
    grade: str = ""
    hire_date: date | None = None
    directory_opt_out: bool = False
    media_release: bool = True


@dataclass(frozen=True)
class DemoGuardianLink:
    guardian_key: str
    student_key: str
    relationship: str


def _ascii_local(name: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class DemoDistrict:
    """Generates buildings, staff, students and guardians lazily and deterministically."""

    def __init__(
        self, *, buildings: int, staff: int, students: int, seed: int, domain: str
    ) -> None:
        if buildings < 1:
            raise ValueError("A district needs at least one building.")
        self.n_buildings, self.n_staff, self.n_students = buildings, staff, students
        self.seed, self.domain = seed, domain

    def buildings(self) -> list[DemoBuilding]:
        rng = random.Random(f"{self.seed}-buildings")
        out = [DemoBuilding("office", "District Office", "office")] if self.n_buildings > 3 else []
        used: set[str] = set()
        i = 0
        while len(out) < self.n_buildings:
            # Roughly 60% elementary, 20% middle, 20% high, like a real unit district.
            level, suffix = LEVELS[0] if i % 5 < 3 else LEVELS[1] if i % 5 == 3 else LEVELS[2]
            word = PLACE_WORDS[i] if i < len(PLACE_WORDS) else f"{rng.choice(PLACE_WORDS)} {i}"
            name = f"{word} {suffix}"
            if name in used:
                name = f"{name} {i}"
            used.add(name)
            out.append(DemoBuilding(f"b{i + 1:04d}", name, level))
            i += 1
        return out

    def _email(self, given: str, family: str, n: int) -> str:
        return f"{_ascii_local(given)}.{_ascii_local(family)}{n}@{self.domain}"

    def staff(self) -> Iterator[DemoPerson]:
        rng = random.Random(f"{self.seed}-staff")
        schools = [b for b in self.buildings() if b.level != "office"] or self.buildings()
        office = [b for b in self.buildings() if b.level == "office"]
        for n in range(1, self.n_staff + 1):
            given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY)
            home = schools[(n - 1) % len(schools)]
            codes: tuple[str, ...] = (home.code,)
            if rng.random() < 0.08 and len(schools) > 1:  # itinerant staff serve two buildings
                other = schools[(n + len(schools) // 2) % len(schools)]
                if other.code != home.code:
                    codes = (home.code, other.code)
            if office and rng.random() < 0.03:
                codes = (office[0].code,)
            title = (
                rng.choice(TEACHER_TITLES) if rng.random() < 0.62 else rng.choice(SUPPORT_TITLES)
            )
            hired = date(2026, 8, 15) - timedelta(days=rng.randint(0, 365 * 30))
            yield DemoPerson(
                key=f"t{n:06d}",
                kind="staff",
                given_name=given,
                family_name=family,
                email=self._email(given, family, n),
                building_codes=codes,
                job_title=title,
                hire_date=hired,
            )

    def students_and_guardians(
        self,
    ) -> Iterator[tuple[DemoPerson, list[DemoPerson], list[DemoGuardianLink]]]:
        rng = random.Random(f"{self.seed}-students")
        schools = [b for b in self.buildings() if b.level != "office"] or self.buildings()
        grades = {
            "elementary": ["KG", "1", "2", "3", "4", "5"],
            "middle": ["6", "7", "8"],
            "high": ["9", "10", "11", "12"],
        }
        for n in range(1, self.n_students + 1):
            school = schools[(n - 1) % len(schools)]
            given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY)
            student = DemoPerson(
                key=f"s{n:07d}",
                kind="student",
                given_name=given,
                family_name=family,
                email=f"{_ascii_local(given)}{n}@students.{self.domain}",
                building_codes=(school.code,),
                grade=rng.choice(grades.get(school.level, ["KG"])),
                directory_opt_out=rng.random() < 0.04,
                media_release=rng.random() > 0.08,
            )
            guardians: list[DemoPerson] = []
            links: list[DemoGuardianLink] = []
            for g in range(1 if rng.random() < 0.35 else 2):
                g_family = family if g == 0 or rng.random() < 0.6 else rng.choice(FAMILY)
                g_given = rng.choice(GIVEN_NAMES)
                guardian = DemoPerson(
                    key=f"g{n:07d}{g}",
                    kind="guardian",
                    given_name=g_given,
                    family_name=g_family,
                    email=f"{_ascii_local(g_given)}.{_ascii_local(g_family)}.{n}{g}@example.net",
                    building_codes=(),
                )
                guardians.append(guardian)
                links.append(
                    DemoGuardianLink(
                        guardian.key, student.key, "parent" if rng.random() < 0.9 else "guardian"
                    )
                )
            yield student, guardians, links
