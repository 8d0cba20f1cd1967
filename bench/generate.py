"""Generated bilingual archive entries for benchmarks: rows of the import format, deterministic.

    from bench.generate import generate_rows
    rows = generate_rows(89_771, seed=1941)   # an iterator of dicts, the same on every call

Memorial sites, initiatives and testimonies (always with recorded consent, so every one is
public), in German and Russian, 60-250 words of running text each, from word lists and
sentence templates in both languages. About a third of the German entries are followed by
their Russian translation (`translation_of`). Cities and themes are the starter vocabulary
(archive.vocabulary), so the rows import into a database that has ensure_vocabulary() run.

The rows are plain dicts, checked by the importer like any file; only the starter vocabulary
is read from archive.vocabulary, which needs Django set up (main() does it when run as a script).

    .venv/bin/python bench/generate.py 5 [--seed N]   # print a few rows as JSON Lines
"""

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GENERATOR_VERSION = 1  # bump when the output changes, so cached databases are rebuilt

CITIES: list[tuple] = []  # (slug, German, Russian, latitude, longitude), filled by _load_vocabulary
PARTNERS: dict[str, list[str]] = {}
THEME_SLUGS: list[str] = []


def _load_vocabulary():
    """The starter cities, partnerships and themes (archive.vocabulary imports the models)."""
    if CITIES:
        return
    from archive.vocabulary import STARTER_CITIES, STARTER_PARTNERSHIPS, STARTER_THEMES

    CITIES.extend((slug, de, ru, lat, lon) for slug, de, ru, _country, _region, lat, lon in STARTER_CITIES)
    for first, second, _year in STARTER_PARTNERSHIPS:
        PARTNERS.setdefault(first, []).append(second)
        PARTNERS.setdefault(second, []).append(first)
    THEME_SLUGS.extend(slug for slug, _de, _ru in STARTER_THEMES)


# (German spelling, Russian spelling)
FIRST_NAMES = [
    ("Anna", "Анна"),
    ("Maria", "Мария"),
    ("Elena", "Елена"),
    ("Olga", "Ольга"),
    ("Tatjana", "Татьяна"),
    ("Natalja", "Наталья"),
    ("Galina", "Галина"),
    ("Ljudmila", "Людмила"),
    ("Walentina", "Валентина"),
    ("Nina", "Нина"),
    ("Sofia", "Софья"),
    ("Jekaterina", "Екатерина"),
    ("Irina", "Ирина"),
    ("Vera", "Вера"),
    ("Iwan", "Иван"),
    ("Pjotr", "Пётр"),
    ("Nikolai", "Николай"),
    ("Sergej", "Сергей"),
    ("Alexej", "Алексей"),
    ("Dmitri", "Дмитрий"),
    ("Michail", "Михаил"),
    ("Wladimir", "Владимир"),
    ("Boris", "Борис"),
    ("Grigori", "Григорий"),
    ("Juri", "Юрий"),
    ("Andrej", "Андрей"),
    ("Fjodor", "Фёдор"),
    ("Wassili", "Василий"),
    ("Hedwig", "Хедвиг"),
    ("Gertrud", "Гертруда"),
    ("Else", "Эльза"),
    ("Margarete", "Маргарета"),
    ("Ruth", "Рут"),
    ("Hermann", "Герман"),
    ("Kurt", "Курт"),
    ("Walter", "Вальтер"),
    ("Ernst", "Эрнст"),
    ("Heinrich", "Генрих"),
    ("Max", "Макс"),
    ("Paul", "Пауль"),
    ("Fritz", "Фриц"),
    ("Julius", "Юлиус"),
    ("Rosa", "Роза"),
    ("Klara", "Клара"),
    ("Ida", "Ида"),
    ("Siegfried", "Зигфрид"),
    ("Leo", "Лео"),
    ("Salomon", "Саломон"),
]
LAST_NAMES = [
    ("Iwanow", "Иванов"),
    ("Petrow", "Петров"),
    ("Smirnow", "Смирнов"),
    ("Kusnezow", "Кузнецов"),
    ("Popow", "Попов"),
    ("Sokolow", "Соколов"),
    ("Lebedew", "Лебедев"),
    ("Koslow", "Козлов"),
    ("Nowikow", "Новиков"),
    ("Morosow", "Морозов"),
    ("Wolkow", "Волков"),
    ("Solowjow", "Соловьёв"),
    ("Wassiljew", "Васильев"),
    ("Saizew", "Зайцев"),
    ("Pawlow", "Павлов"),
    ("Semjonow", "Семёнов"),
    ("Orlow", "Орлов"),
    ("Belowa", "Белова"),
    ("Tarassowa", "Тарасова"),
    ("Fjodorowa", "Фёдорова"),
    ("Schmidt", "Шмидт"),
    ("Müller", "Мюллер"),
    ("Schneider", "Шнайдер"),
    ("Fischer", "Фишер"),
    ("Weber", "Вебер"),
    ("Meyer", "Майер"),
    ("Wagner", "Вагнер"),
    ("Becker", "Беккер"),
    ("Hoffmann", "Хоффман"),
    ("Schulz", "Шульц"),
    ("Koch", "Кох"),
    ("Richter", "Рихтер"),
    ("Klein", "Кляйн"),
    ("Wolf", "Вольф"),
    ("Neumann", "Нойман"),
    ("Schwarz", "Шварц"),
    ("Rosenthal", "Розенталь"),
    ("Grünebaum", "Грюнебаум"),
    ("Abraham", "Абрахам"),
    ("Levy", "Леви"),
    ("Cohn", "Кон"),
    ("Goldschmidt", "Гольдшмидт"),
    ("Hirsch", "Хирш"),
    ("Oppenheimer", "Оппенгеймер"),
    ("Frank", "Франк"),
    ("Baum", "Баум"),
]
# (German, Russian): camps, front lines, places of deportation and forced labour
PLACES = [
    ("Theresienstadt", "Терезиенштадт"),
    ("Auschwitz", "Освенцим"),
    ("Riga", "Рига"),
    ("Minsk", "Минск"),
    ("Sobibor", "Собибор"),
    ("Treblinka", "Треблинка"),
    ("Łódź", "Лодзь"),
    ("Kaunas", "Каунас"),
    ("Sachsenhausen", "Заксенхаузен"),
    ("Buchenwald", "Бухенвальд"),
    ("Stalag 326", "шталаг 326"),
    ("Zeithain", "Цайтхайн"),
    ("Bergen-Belsen", "Берген-Бельзен"),
    ("Ravensbrück", "Равенсбрюк"),
    ("Smolensk", "Смоленск"),
    ("Wjasma", "Вязьма"),
    ("Rschew", "Ржев"),
    ("Stalingrad", "Сталинград"),
    ("Kursk", "Курск"),
    ("Brest", "Брест"),
    ("Charkow", "Харьков"),
    ("Tula", "Тула"),
]
STREETS_DE = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Schillerstraße",
    "Goethestraße",
    "Lindenallee",
    "Kirchplatz",
    "Marktplatz",
    "Friedhofsweg",
    "Gartenstraße",
    "Am Stadtpark",
    "Rosenstraße",
    "Mühlenweg",
]
STREETS_RU = [
    "улица Ленина",
    "Советская улица",
    "улица Мира",
    "Садовая улица",
    "улица Гагарина",
    "Школьная улица",
    "проспект Победы",
    "Лесная улица",
    "Набережная улица",
    "улица Пушкина",
    "Первомайская улица",
]
ORGANISERS_DE = [
    "Volksbund Deutsche Kriegsgräberfürsorge",
    "Evangelische Kirchengemeinde",
    "Geschichtswerkstatt",
    "Städtisches Gymnasium",
    "Verein Gegen Vergessen",
    "Stadtarchiv",
    "Deutsch-Russische Gesellschaft",
    "Jugendring",
    "Volkshochschule",
    "Initiative Stolpersteine",
    "Partnerschaftsverein",
]
ORGANISERS_RU = [
    "Поисковый отряд «Память»",
    "Городской краеведческий музей",
    "Школа № 12",
    "Совет ветеранов",
    "Молодёжный центр",
    "Общество российско-немецкой дружбы",
    "Городской архив",
    "Областная библиотека",
    "Гимназия № 3",
    "Волонтёрское движение «Бессмертный полк»",
]
TAGS_DE = [
    "Kranzniederlegung",
    "Schulprojekt",
    "Ausstellung",
    "Gedenkstunde",
    "Friedhof",
    "Zeitzeugengespräch",
    "Archivarbeit",
    "Jugendbegegnung",
    "Lesung",
    "Denkmal",
    "Gedenktafel",
    "Exkursion",
    "Restaurierung",
]
TAGS_RU = [
    "возложение венков",
    "школьный проект",
    "выставка",
    "час памяти",
    "кладбище",
    "встреча со свидетелем",
    "архивная работа",
    "молодёжная встреча",
    "чтения",
    "памятник",
    "мемориальная доска",
    "экскурсия",
    "реставрация",
]
LICENCES = ["CC BY 4.0", "CC BY-SA 4.0", "CC BY-NC 4.0", "CC0 1.0"]

# Sentence templates. Fields: {name} {name2} {city} {place} {year} {year2} {org} {street} {number} {partner}
TEMPLATES = {
    "de": {
        "common": [
            "Im Jahr {year} begann in {city} die Arbeit an diesem Projekt, das bis heute fortgesetzt wird.",
            "Die Erinnerung an die Opfer des Krieges ist in {city} seit Jahrzehnten"
            " ein Anliegen vieler Bürgerinnen und Bürger.",
            "Schülerinnen und Schüler haben die Quellen im Stadtarchiv ausgewertet"
            " und die Ergebnisse öffentlich vorgestellt.",
            "Die Partnerschaft zwischen {city} und {partner} gab den Anstoß,"
            " die gemeinsame Geschichte genauer zu erforschen.",
            "Viele Schicksale sind bis heute ungeklärt, und die Suche in den Archiven dauert an.",
            "Zur Gedenkveranstaltung kamen Vertreterinnen und Vertreter beider Städte sowie zahlreiche Gäste.",
            "Die Dokumente wurden digitalisiert und sind nun in deutscher und russischer Sprache zugänglich.",
            "Besonders wichtig war den Beteiligten, die Namen der Menschen wieder sichtbar zu machen.",
            "Nach dem Ende des Krieges geriet das Geschehen lange in Vergessenheit.",
            "Erst nach {year2} wurden die Akten in den Archiven der Sowjetunion zugänglich.",
            "Die Angehörigen erfuhren oft erst Jahrzehnte später, wo ihre Väter und Großväter begraben liegen.",
            "Eine Ausstellung im Rathaus von {city} zeigte Briefe, Fotografien und Dokumente aus dieser Zeit.",
            "Der {org} unterstützt die Arbeit mit Rat, Geld und vielen ehrenamtlichen Stunden.",
            "Jedes Jahr am 22. Juni erinnern die Menschen in {city} an den Überfall auf die Sowjetunion.",
            "Die Recherchen stützen sich auf Karteikarten, Transportlisten und Briefe aus Privatbesitz.",
            "Die Geschichte dieser Menschen gehört zum Gedächtnis beider Länder.",
        ],
        "memorial_site": [
            "Hier wohnte {name}, geboren {year} in {city}, deportiert nach {place} und dort ermordet.",
            "Das Denkmal an der {street} erinnert an die sowjetischen Kriegsgefangenen, die im Lager {place} starben.",
            "Auf dem Friedhof liegen {number} Kriegsgefangene und Zwangsarbeiter aus der Sowjetunion begraben.",
            "Die Gedenktafel wurde im Jahr {year} auf Initiative von Schülerinnen und Schülern angebracht.",
            "Viele Gräber waren lange namenlos; erst Recherchen in Podolsk brachten die Namen ans Licht.",
            "Die Grabsteine wurden {year2} restauriert und mit zweisprachigen Inschriften versehen.",
            "Der Stolperstein vor dem Haus {street} {number} wurde im Beisein von Angehörigen verlegt.",
            "Die Gedenkstätte ist frei zugänglich und wird von Freiwilligen gepflegt.",
            "Eine Informationstafel erklärt in deutscher und russischer Sprache die Geschichte des Ortes.",
        ],
        "initiative": [
            "Jugendliche aus {city} und {partner} trafen sich im Sommer {year2}, um gemeinsam Gräber zu pflegen.",
            "Die Initiative lädt jedes Jahr zu einer Gedenkstunde mit Lesungen und Musik ein.",
            "In Workshops erforschten die Teilnehmenden die Lebensgeschichten von Kriegsgefangenen.",
            "Der Austausch zwischen den Schulen besteht seit {year2} und wird vom {org} getragen.",
            "Gemeinsam mit Partnern aus {partner} entstand eine zweisprachige Broschüre.",
            "Die Ergebnisse wurden in einer Wanderausstellung gezeigt, die in beiden Städten zu sehen war.",
            "Die Teilnehmenden besuchten die Gedenkstätte {place} und sprachen mit Historikern.",
        ],
        "testimony": [
            "{name} wurde {year} geboren und erlebte den Krieg als Kind in {city}.",
            "Ich erinnere mich an den Tag, an dem die Züge nach {place} abfuhren.",
            "Meine Mutter hat nie darüber gesprochen, was sie in {place} erlebt hatte.",
            "Wir hatten Hunger, und im Winter war es so kalt, dass die Tinte in der Schule gefror.",
            "Erst viele Jahre später habe ich erfahren, dass mein Vater in Gefangenschaft gestorben war.",
            "Die Nachbarn haben uns geholfen, so gut sie konnten, obwohl sie selbst kaum etwas hatten.",
            "Das Gespräch wurde im Jahr {year2} in {city} aufgezeichnet und transkribiert.",
            "Als wir nach dem Krieg zurückkamen, stand von unserem Haus nur noch eine Mauer.",
            "Ich möchte, dass die jungen Menschen wissen, was damals geschehen ist.",
        ],
    },
    "ru": {
        "common": [
            "В {year} году в городе {city} началась работа над этим проектом, которая продолжается до сих пор.",
            "Память о жертвах войны уже много десятилетий остаётся важным делом для жителей города {city}.",
            "Школьники изучили документы городского архива и представили результаты на открытой встрече.",
            "Партнёрство между городами {city} и {partner} стало поводом подробнее исследовать общую историю.",
            "Многие судьбы до сих пор не выяснены, и поиск в архивах продолжается.",
            "На памятное мероприятие пришли представители обоих городов и многочисленные гости.",
            "Документы были оцифрованы и теперь доступны на немецком и русском языках.",
            "Участникам было особенно важно вернуть из забвения имена этих людей.",
            "После окончания войны эти события надолго были забыты.",
            "Только после {year2} года документы в архивах стали доступны исследователям.",
            "Родственники часто лишь спустя десятилетия узнавали, где похоронены их отцы и деды.",
            "В ратуше города {city} прошла выставка писем, фотографий и документов того времени.",
            "{org} поддерживает эту работу советом, средствами и многими часами волонтёрского труда.",
            "Каждый год 22 июня жители города {city} вспоминают начало Великой Отечественной войны.",
            "Исследование опирается на учётные карточки, списки эшелонов и письма из семейных архивов.",
            "История этих людей принадлежит памяти обеих стран.",
        ],
        "memorial_site": [
            "Здесь жил {name}, родился в {year} году в городе {city}, депортирован в {place} и там убит.",
            "Памятник на улице {street} напоминает о советских военнопленных, погибших в лагере {place}.",
            "На кладбище похоронены {number} военнопленных и остарбайтеров из Советского Союза.",
            "Мемориальная доска была установлена в {year} году по инициативе школьников.",
            "Многие могилы долго оставались безымянными; только поиск в архиве в Подольске вернул имена.",
            "Надгробия были отреставрированы в {year2} году и получили надписи на двух языках.",
            "Камень преткновения у дома {number} на улице {street} был установлен в присутствии родственников.",
            "Мемориал открыт для посещения, за ним ухаживают волонтёры.",
            "Информационный стенд на немецком и русском языках рассказывает историю этого места.",
        ],
        "initiative": [
            "Летом {year2} года молодёжь из городов {city} и {partner} вместе ухаживала за могилами.",
            "Каждый год инициатива приглашает на час памяти с чтениями и музыкой.",
            "На семинарах участники исследовали биографии военнопленных.",
            "Обмен между школами существует с {year2} года, его поддерживает {org}.",
            "Вместе с партнёрами из города {partner} была подготовлена двуязычная брошюра.",
            "Результаты были представлены на передвижной выставке, которую показали в обоих городах.",
            "Участники посетили мемориал {place} и побеседовали с историками.",
        ],
        "testimony": [
            "{name} родился в {year} году и пережил войну ребёнком в городе {city}.",
            "Я помню день, когда эшелоны уходили в {place}.",
            "Мама никогда не рассказывала о том, что ей пришлось пережить в {place}.",
            "Мы голодали, а зимой было так холодно, что в школе замерзали чернила.",
            "Лишь много лет спустя я узнал, что отец погиб в плену.",
            "Соседи помогали нам, как могли, хотя у них самих почти ничего не было.",
            "Беседа была записана в {year2} году в городе {city} и расшифрована.",
            "Когда мы вернулись после войны, от нашего дома осталась только одна стена.",
            "Я хочу, чтобы молодые люди знали, что тогда произошло.",
        ],
    },
}
TITLES = {
    "de": {
        "memorial_site": [
            "Gedenkstätte für sowjetische Kriegsgefangene in {city}",
            "Ehrenfriedhof {street}, {city}",
            "Gedenktafel für {name}",
            "Denkmal für die Opfer von {place}",
            "Stolperstein für {name}",
        ],
        "initiative": [
            "Jugendbegegnung {city}–{partner} {year2}",
            "Gedenkstunde am 22. Juni in {city}",
            "Schulprojekt: Namen der Kriegsgefangenen aus {place}",
            "Ausstellung „Briefe aus {place}“",
            "Pflegeeinsatz auf dem Friedhof in {city}",
        ],
        "testimony": [
            "Erinnerungen von {name}",
            "„Die Züge nach {place}“ – Gespräch mit {name}",
            "Kindheit im Krieg: {name} erzählt",
        ],
    },
    "ru": {
        "memorial_site": [
            "Мемориал советским военнопленным в городе {city}",
            "Воинское кладбище, {street}, {city}",
            "Мемориальная доска в память о {name}",
            "Памятник жертвам лагеря {place}",
            "Камень преткновения: {name}",
        ],
        "initiative": [
            "Молодёжная встреча {city}–{partner} {year2}",
            "Час памяти 22 июня в городе {city}",
            "Школьный проект: имена военнопленных из лагеря {place}",
            "Выставка «Письма из {place}»",
            "Уход за кладбищем в городе {city}",
        ],
        "testimony": [
            "Воспоминания: {name}",
            "«Эшелоны в {place}» – беседа с {name}",
            "Детство на войне: рассказывает {name}",
        ],
    },
}
SUMMARY = {
    "de": {
        "memorial_site": "Ein Ort der Erinnerung in {city} an die Opfer von Krieg und Verfolgung.",
        "initiative": "Eine Initiative aus {city}, die an die Opfer des Krieges erinnert.",
        "testimony": "{name} erzählt von der Kindheit im Krieg und von {place}.",
    },
    "ru": {
        "memorial_site": "Место памяти в городе {city} о жертвах войны и преследований.",
        "initiative": "Инициатива из города {city}, сохраняющая память о жертвах войны.",
        "testimony": "{name} рассказывает о детстве во время войны и о {place}.",
    },
}
FATES = {"de": ["ermordet", "tot", "überlebt", "verschollen"], "ru": ["убит", "погиб", "выжил", "пропал без вести"]}
KINDS = ["memorial", "war_cemetery", "plaque", "stolperstein", "other"]


class _Entity:
    """The facts one entry (and its translation) is about, in both spellings."""

    def __init__(self, rng: random.Random, entry_type: str):
        self.type = entry_type
        self.city = rng.choice(CITIES)
        partners = PARTNERS.get(self.city[0]) or [c[0] for c in CITIES if c[0] != self.city[0]]
        partner = rng.choice(partners)
        self.partner = next(c for c in CITIES if c[0] == partner)
        self.names = [self._name(rng) for _ in range(3)]
        self.place = rng.choice(PLACES)
        self.year = rng.randint(1885, 1938)
        self.year2 = rng.randint(1989, 2024)
        self.event_year = rng.randint(1941, 2024)
        self.number = rng.randint(3, 900)
        self.street = rng.randrange(len(STREETS_RU))
        self.org = rng.randrange(len(ORGANISERS_RU))
        self.themes = rng.sample(THEME_SLUGS, rng.randint(1, 3))
        self.tags = rng.sample(range(len(TAGS_RU)), rng.randint(0, 3))
        self.words = rng.randint(60, 235)  # the last sentence overshoots by up to ~15 words
        self.kind = rng.choice(KINDS)
        self.licence = rng.choice(LICENCES)
        self.lat = round(self.city[3] + rng.uniform(-0.08, 0.08), 6)
        self.lon = round(self.city[4] + rng.uniform(-0.12, 0.12), 6)
        self.precision = rng.choice(["day", "month", "year", "circa", "decade"])
        self.month, self.day = rng.randint(1, 12), rng.randint(1, 28)
        self.witness_language = rng.choice(["de", "ru", "ru", "other"])
        self.consent = rng.choice(["public", "public", "education"])
        self.seed = rng.random()

    @staticmethod
    def _name(rng):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        return (f"{first[0]} {last[0]}", f"{first[1]} {last[1]}")

    def fields(self, language: str, rng: random.Random) -> dict:
        i = 0 if language == "de" else 1
        streets = STREETS_DE if language == "de" else STREETS_RU
        organisers = ORGANISERS_DE if language == "de" else ORGANISERS_RU
        return {
            "name": self.names[rng.randrange(3)][i],
            "name2": self.names[rng.randrange(3)][i],
            "city": self.city[1 + i],
            "partner": self.partner[1 + i],
            "place": self.place[i],
            "year": self.year,
            "year2": self.year2,
            "org": organisers[self.org % len(organisers)],
            "street": streets[self.street % len(streets)],
            "number": self.number,
        }

    def date(self):
        year = self.event_year
        if self.precision == "day":
            return f"{year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision == "month":
            return f"{year:04d}-{self.month:02d}"
        if self.precision == "decade":
            return f"{year - year % 10:04d}"
        return f"{year:04d}"


def _text(rng: random.Random, language: str, entry_type: str, facts: dict, words: int) -> str:
    """Paragraphs of 2-5 sentences from the type's and the common templates, about `words` long."""
    own, common = TEMPLATES[language][entry_type], TEMPLATES[language]["common"]
    paragraphs, sentences, count = [], [], 0
    while count < words:
        template = rng.choice(own) if rng.random() < 0.55 else rng.choice(common)
        sentence = template.format(**facts)
        sentences.append(sentence)
        count += len(sentence.split())
        if len(sentences) >= rng.randint(2, 5):
            paragraphs.append(" ".join(sentences))
            sentences = []
    if sentences:
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def _row(entity: _Entity, language: str, external_id: str, translation_of: str) -> dict:
    # Each language's text comes from its own stream, seeded by the entity: a translation
    # tells the same facts (names, places, years), in the other language's sentences.
    rng = random.Random(f"{entity.seed}-{language}")
    facts = entity.fields(language, rng)
    i = 0 if language == "de" else 1
    row = {
        "external_id": external_id,
        "type": entity.type,
        "language": language,
        "title": rng.choice(TITLES[language][entity.type]).format(**facts)[:255],
        "summary": SUMMARY[language][entity.type].format(**facts),
        "date": entity.date(),
        "date_precision": entity.precision,
        "city": entity.city[0],
        "themes": entity.themes,
        "tags": [(TAGS_DE if language == "de" else TAGS_RU)[t] for t in entity.tags],
        "latitude": entity.lat,
        "longitude": entity.lon,
        "source_url": f"https://memoria.example.org/{language}/{external_id}",
        "licence": entity.licence,
        "attribution": "Memoria benchmark data (generated)",
        "translation_of": translation_of,
    }
    words = entity.words
    if entity.type == "memorial_site":
        people = [
            {
                "name": entity.names[k][i],
                "birth_year": entity.year + k,
                "death_year": entity.event_year if entity.event_year <= 1945 else None,
                "born": f"{entity.year + k}, {facts['city']}",
                "deported": facts["place"],
                "fate": FATES[language][(k + entity.number) % 4],
            }
            for k in range(1 + entity.number % 3)
        ]
        inscription = "\n\n".join(
            (f"Hier wohnte {p['name']}, Jg. {p['birth_year']}, deportiert nach {p['deported']}, {p['fate']}")
            if language == "de"
            else (f"Здесь жил(а) {p['name']}, {p['birth_year']} г. р., депортирован(а) в {p['deported']}, {p['fate']}")
            for p in people
        )
        row.update(
            kind=entity.kind,
            address=f"{facts['street']} {entity.number % 120 + 1}, {facts['city']}",
            inscription=inscription,
            people=people,
            body=_text(rng, language, entity.type, facts, words - len(inscription.split())),
        )
    elif entity.type == "initiative":
        row.update(
            body=_text(rng, language, entity.type, facts, words),
            organisers="\n".join(
                (ORGANISERS_DE if language == "de" else ORGANISERS_RU)[(entity.org + k) % 10] for k in range(2)
            ),
            partner_cities=[entity.partner[0]],
        )
    else:
        witness = entity.names[0][i]
        transcript_words = words * 2 // 3
        row.update(
            body=_text(rng, language, entity.type, facts, words - transcript_words),
            transcript=_text(rng, language, "testimony", {**facts, "name": witness}, transcript_words),
            witness_name=witness,
            witness_birth_year=str(entity.year + 40 if entity.year + 40 <= 1945 else 1936),
            recorded_place=facts["city"],
            original_language=entity.witness_language,
            consent=entity.consent,
            consent_given_by=witness,
            consent_date=f"{entity.year2:04d}-{entity.month:02d}-{entity.day:02d}",
            contains_personal_data="false",
        )
    return row


def generate_rows(count: int, seed: int = 1941, prefix: str = "gen") -> Iterator[dict]:
    """`count` rows in the import format; the same rows for the same arguments.

    Types: 40 % memorial sites, 35 % initiatives, 25 % testimonies. Languages: half German,
    half Russian; a German entry is followed by its Russian translation with probability 0.35.
    """
    _load_vocabulary()
    rng = random.Random(seed)
    produced = 0
    while produced < count:
        roll = rng.random()
        entry_type = "memorial_site" if roll < 0.40 else "initiative" if roll < 0.75 else "testimony"
        entity = _Entity(rng, entry_type)
        language = "de" if rng.random() < 0.5 else "ru"
        external_id = f"{prefix}-{language}-{produced:06d}"
        yield _row(entity, language, external_id, "")
        produced += 1
        if language == "de" and produced < count and rng.random() < 0.35:
            yield _row(entity, "ru", f"{prefix}-ru-{produced:06d}", external_id)
            produced += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, nargs="?", default=5)
    parser.add_argument("--seed", type=int, default=1941)
    args = parser.parse_args()
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memoria.settings.dev")
    django.setup()
    for row in generate_rows(args.count, args.seed):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
