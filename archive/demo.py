"""The demo a visitor can explore at once: real data plus entries the project wrote in both languages.

The hand-written entries are rows of the import format, so the demo goes through
the same checks and code path as any import, and loading it twice changes nothing.
So are the Russian versions of 30 Heilbronn sites (archive/data/heilbronn_ru.json): translations
of the German biographies by the Memoria editors, linked to their originals as
the written entries' translations are (translation_of, so the same
translation_key, in the Russian archive section).
"""

import json
from pathlib import Path
from typing import NamedTuple

from archive.sources import iter_source

KALUGA_DE = (
    "Vom 28. bis 30. Juni 2021 kamen in Kaluga mehr als 350 Vertreterinnen und Vertreter deutscher und "
    "russischer Städte, Gemeinden und Vereine zur XVI. Deutsch-Russischen Städtepartnerkonferenz zusammen, "
    "unter dem Motto „Kommunale und regionale Verbindungen stärken – Horizonte erweitern“. Wegen der "
    "Pandemie war die Konferenz hybrid: teils in Kaluga, teils online. Ausgerichtet wurde sie vom Gebiet und "
    "der Stadt Kaluga mit dem Deutsch-Russischen Forum, dem Bundesverband Deutscher West-Ost-Gesellschaften, "
    "der Stiftung West-Östliche Begegnungen und der Internationalen Assoziation der Partnerstädte.\n\n"
    "In Arbeitsgruppen ging es um kommunale und regionale Zusammenarbeit, die Wirtschaft („Kaluga 650“), "
    "Berufsorientierung und Austausch für Jugendliche, Inklusion und Teilhabe, die Gesundheit und die "
    "Erinnerungskultur. Die Arbeitsgruppe zur Erinnerungskultur, „Deutsch-russische Partnerstädte und "
    "Erinnerung für die Zukunft – der 22. Juni 1941/2021 als europäisches Datum“, sprach achtzig Jahre nach "
    "dem deutschen Überfall auf die Sowjetunion darüber, wie Städte gemeinsam an die Opfer erinnern "
    "können: durch die Pflege sowjetischer Kriegsgräber in Deutschland, durch Jugendbegegnungen und "
    "durch Ausstellungen mit Zeitzeugnissen aus beiden Ländern.\n\n"
    "Parallel tagte in Moskau und Kaluga das IV. Jugendforum der Städtepartnerschaften. Auf der Konferenz "
    "wurde 2022 zum Jahr des Jugendaustauschs der deutsch-russischen Städtepartnerschaften erklärt, und als "
    "Gastgeberin der XVII. Konferenz 2023 wurde Essen angekündigt.\n\n"
    "Dieser Eintrag wurde für die Demo von Memoria geschrieben, nach den Berichten der Veranstalter."
)
KALUGA_RU = (
    "28–30 июня 2021 года в Калуге более 350 представителей городов, муниципалитетов и общественных "
    "организаций России и Германии собрались на XVI Российско-германскую конференцию городов-партнёров "
    "под девизом «Укреплять муниципальные и региональные связи – расширять горизонты». Из-за пандемии "
    "конференция прошла в гибридном формате: частично в Калуге, частично онлайн. Её организовали "
    "Калужская область и город Калуга вместе с Германо-Российским форумом, Федеральным союзом "
    "германских обществ «Запад – Восток», фондом «Западно-восточные встречи» и Международной "
    "ассоциацией «Породнённые города».\n\n"
    "Рабочие группы обсуждали муниципальное и региональное сотрудничество, экономику («Калуга 650»), "
    "профориентацию и обмены для молодёжи, инклюзию и участие, здравоохранение и культуру памяти. Рабочая "
    "группа по культуре памяти, «Российско-германские города-партнёры и память ради будущего – 22 июня "
    "1941/2021 как европейская дата», через восемьдесят лет после нападения Германии на Советский Союз "
    "говорила о том, как города "
    "могут вместе хранить память о жертвах: ухаживая за советскими воинскими захоронениями в Германии, "
    "организуя молодёжные встречи и выставки со свидетельствами из обеих стран.\n\n"
    "Одновременно в Москве и Калуге прошёл IV Молодёжный форум городов-партнёров. На конференции 2022 год "
    "был объявлен Годом молодёжных обменов российско-германских городов-партнёров, а местом XVII "
    "конференции в 2023 году назван Эссен.\n\n"
    "Эта запись написана для демонстрационной версии Memoria по отчётам организаторов."
)
JUNE_22_DE = (
    "Jedes Jahr am 22. Juni, dem Tag des deutschen Überfalls auf die Sowjetunion 1941, legen "
    "Bürgerinnen und Bürger, Schulklassen und Gäste aus der Partnerstadt Kränze am Sowjetischen "
    "Ehrenmal nieder. Jugendliche lesen Namen von Gefallenen und Kriegsgefangenen vor.\n\n"
    "Beispiel-Eintrag der Demo: Ablauf und Beteiligte sind typisch, nicht die Beschreibung eines bestimmten Jahres."
)
JUNE_22_RU = (
    "Каждый год 22 июня, в день нападения Германии на Советский Союз в 1941 году, жители города, "
    "школьники и гости из города-партнёра возлагают венки к Советскому мемориалу. Молодые люди "
    "зачитывают имена погибших и военнопленных.\n\n"
    "Демонстрационная запись: описан типичный ход памятного дня, а не конкретный год."
)
TIERGARTEN_DE = (
    "Das Sowjetische Ehrenmal im Berliner Tiergarten wurde 1945 kurz nach Kriegsende errichtet. "
    "Hinter der Säulenhalle mit der Bronzefigur eines Soldaten liegen Gräber von sowjetischen "
    "Soldaten, die in der Schlacht um Berlin gefallen sind.\n\n"
    "Am 8. und 9. Mai und am 22. Juni ist das Ehrenmal ein Ort des gemeinsamen Gedenkens."
)
TIERGARTEN_RU = (
    "Советский мемориал в берлинском Тиргартене был возведён в 1945 году, вскоре после окончания войны. "
    "За колоннадой с бронзовой фигурой солдата находятся могилы советских воинов, павших в битве за Берлин.\n\n"
    "8 и 9 мая, а также 22 июня мемориал становится местом общей памяти."
)
TESTIMONY_RU = (
    "Мне было одиннадцать лет, когда немцы вошли в наш город. Помню, как мама прятала хлеб под половицей, "
    "а по ночам мы слушали, как гремит фронт.\n\n"
    "Когда через много лет ко мне приехали школьники из Германии, я сначала не хотела говорить. "
    "Потом поняла: они должны знать, чтобы это не повторилось."
)
TESTIMONY_DE = (
    "Ich war elf Jahre alt, als die Deutschen in unsere Stadt kamen. Ich erinnere mich, wie meine Mutter "
    "Brot unter einer Diele versteckte und wie wir nachts die Front donnern hörten.\n\n"
    "Als viele Jahre später Schülerinnen und Schüler aus Deutschland zu mir kamen, wollte ich zuerst "
    "nicht sprechen. Dann verstand ich: Sie müssen es wissen, damit es sich nicht wiederholt."
)
TESTIMONY_NOTE = {
    "de": "Beispiel-Zeugnis der Demo, von Memoria geschrieben; keine reale Person.",
    "ru": "Демонстрационное свидетельство, написанное для Memoria; не реальный человек.",
}

PROJECT = {"licence": "CC BY-SA 4.0", "attribution": "Memoria (Demo-Inhalt)", "source_url": ""}
# The attribution is shown as written: each language's version says it in its own.
PROJECT_ATTRIBUTION = {"de": "Memoria (Demo-Inhalt)", "ru": "Memoria (демонстрационные материалы)"}


def translated(original, language, **texts):
    """The translation of a written row: the facts are the original's, the texts its own."""
    suffix = f"-{language}"
    row = {
        **original,
        "external_id": original["external_id"] + suffix,
        "language": language,
        "translation_of": original["external_id"],
        **texts,
    }
    if row.get("attribution") in PROJECT_ATTRIBUTION.values():
        row["attribution"] = PROJECT_ATTRIBUTION[language]
    return row


def written_rows():
    """Entries the project wrote in both languages, each original followed by its translation."""
    kaluga = {
        "external_id": "demo-kaluga-2021",
        "type": "initiative",
        "language": "de",
        "title": "XVI. Deutsch-Russische Städtepartnerkonferenz 2021 in Kaluga",
        "summary": (
            "Die XVI. Städtepartnerkonferenz in Kaluga, 28. bis 30. Juni 2021, mit ihrer Arbeitsgruppe zum "
            "22. Juni 1941 als europäischem Datum; angekündigt: das Jugendaustauschjahr 2022 und Essen 2023."
        ),
        "body": KALUGA_DE,
        "date": "2021-06-28",
        "date_precision": "day",
        "date_end": "2021-06-30",
        "city": "kaluga",
        "partner_cities": ["kaluga", "suhl", "essen", "nischni-nowgorod"],
        "organisers": (
            "Gebiet und Stadt Kaluga\nDeutsch-Russisches Forum\nBundesverband Deutscher West-Ost-Gesellschaften\n"
            "Stiftung West-Östliche Begegnungen\nInternationale Assoziation der Partnerstädte"
        ),
        "themes": ["city-partnership", "22-june", "youth-exchange"],
        "tags": ["Konferenz", "Kaluga 2021"],
        "latitude": 54.5293,
        "longitude": 36.2754,
        **PROJECT,
    }
    yield kaluga
    yield translated(
        kaluga,
        "ru",
        title="XVI Российско-германская конференция городов-партнёров 2021 в Калуге",
        summary=(
            "XVI конференция городов-партнёров в Калуге, 28–30 июня 2021 года, и её рабочая группа о 22 июня "
            "1941 года как европейской дате; объявлены Год молодёжных обменов 2022 и Эссен 2023."
        ),
        body=KALUGA_RU,
        organisers=(
            "Калужская область и город Калуга\nГермано-Российский форум\n"
            "Федеральный союз германских обществ «Запад – Восток»\nФонд «Западно-восточные встречи»\n"
            "Международная ассоциация «Породнённые города»"
        ),
        tags=["конференция", "Калуга 2021"],
    )
    wreath = {
        "external_id": "demo-22-june-wreath",
        "type": "initiative",
        "language": "de",
        "title": "Kranzniederlegung am 22. Juni",
        "summary": "Jährliches Gedenken am Jahrestag des Überfalls auf die Sowjetunion.",
        "body": JUNE_22_DE,
        "date": "1941-06-22",
        "date_precision": "day",
        "city": "berlin",
        "partner_cities": ["berlin", "moskau"],
        "themes": ["22-june", "war-graves", "prisoners-of-war"],
        "tags": ["Kranzniederlegung"],
        **PROJECT,
    }
    yield wreath
    yield translated(
        wreath,
        "ru",
        title="Возложение венков 22 июня",
        summary="Ежегодная память в годовщину нападения на Советский Союз.",
        body=JUNE_22_RU,
        tags=["возложение венков"],
    )
    tiergarten = {
        "external_id": "demo-tiergarten-memorial",
        "type": "memorial_site",
        "language": "de",
        "title": "Sowjetisches Ehrenmal im Tiergarten",
        "summary": "Ehrenmal und Friedhof für sowjetische Soldaten, errichtet 1945.",
        "body": TIERGARTEN_DE,
        "date": "1945",
        "date_precision": "year",
        "city": "berlin",
        "kind": "memorial",
        "address": "Straße des 17. Juni, 10557 Berlin",
        "latitude": 52.5166,
        "longitude": 13.3718,
        "themes": ["war-graves", "22-june"],
        "tags": ["Tiergarten"],
        **PROJECT,
    }
    yield tiergarten
    yield translated(
        tiergarten,
        "ru",
        title="Советский мемориал в Тиргартене",
        summary="Мемориал и кладбище советских воинов, возведённые в 1945 году.",
        body=TIERGARTEN_RU,
        address="Штрассе дес 17. Юни, 10557 Берлин",
        tags=["Тиргартен"],
    )
    testimony = {
        "external_id": "demo-testimony-kaluga",
        "type": "testimony",
        "language": "ru",
        "title": "«Они должны знать»: воспоминания о войне в Калуге",
        "summary": "Жительница Калуги вспоминает оккупацию 1941 года и встречу с немецкими школьниками.",
        "body": TESTIMONY_NOTE["ru"],
        "transcript": TESTIMONY_RU,
        "date": "2019",
        "date_precision": "circa",
        "city": "kaluga",
        "witness_name": "Анна П. (пример)",
        "witness_birth_year": "1930",
        "recorded_place": "Калуга",
        "original_language": "ru",
        "consent": "public",
        "consent_given_by": "Анна П. (пример)",
        "consent_date": "2019-05-08",
        "themes": ["eyewitnesses", "youth-exchange"],
        "tags": ["оккупация"],
        **PROJECT,
        "attribution": PROJECT_ATTRIBUTION["ru"],
    }
    yield testimony
    yield translated(
        testimony,
        "de",
        title="„Sie müssen es wissen“: Erinnerungen an den Krieg in Kaluga",
        summary=(
            "Eine Einwohnerin Kalugas erinnert sich an die Besatzung 1941 und an eine Begegnung mit deutschen Schülern."
        ),
        body=TESTIMONY_NOTE["de"],
        transcript=TESTIMONY_DE,
        witness_name="Anna P. (Beispiel)",
        consent_given_by="Anna P. (Beispiel)",
        recorded_place="Kaluga",
        tags=["Besatzung"],
    )


# Russian versions of Heilbronn sites ----------------------------------------------------------

FULL = "full"
CONDENSED = "condensed"
HEILBRONN_RU_ATTRIBUTION = (
    "Stolpersteine Heilbronn, OK Lab Heilbronn, CC BY-SA 4.0; "
    "русский перевод: редакция Memoria (производное произведение, CC BY-SA 4.0)"
)
# The last paragraph of every Russian version: who translated it, how much of it, under which licence.
HEILBRONN_RU_NOTES = {
    FULL: (
        "Перевод с немецкого: редакция Memoria. Полный перевод немецкого текста записи. "
        "Источник: Stolpersteine Heilbronn, OK Lab Heilbronn (CC BY-SA 4.0); перевод распространяется "
        "на тех же условиях."
    ),
    CONDENSED: (
        "Перевод с немецкого: редакция Memoria. Сокращённый перевод: переданы основные факты (имена, даты, "
        "места, депортация, судьба); полный текст — в немецкой версии записи. Источник: Stolpersteine Heilbronn, "
        "OK Lab Heilbronn (CC BY-SA 4.0); перевод распространяется на тех же условиях."
    ),
}
# The tags archive.sources.heilbronn gives a stone, in Russian.
HEILBRONN_TAGS_RU = {
    "Auschwitz": "Освенцим",
    "Bergen-Belsen": "Берген-Бельзен",
    "Izbica": "Избица",
    "Lodz / Litzmannstadt": "Лодзь",
    "Maly Trostinec": "Малый Тростенец",
    "Riga": "Рига",
    "Theresienstadt": "Терезиенштадт",
    "Transit-Ghetto Izbica": "Избица",
    "Treblinka": "Треблинка",
    "Ermordet": "убиты",
    "Tot": "погибли",
    "Flucht": "бежали",
    "Flucht in den Tod": "покончили с собой",
    "Hingerichtet": "казнены",
    "Überlebt": "выжили",
}


class StoneTranslation(NamedTuple):
    """The Russian version of one Heilbronn site; address, inscription and coordinates stay the original's."""

    source: str  # external_id of the German entry
    scope: str  # FULL or CONDENSED, said in the note at the end of the body
    title: str
    summary: str
    people: tuple  # (name, deported, fate) for each stone, in the original's order; birth years are the original's
    body: str


# Written by the Memoria editors (see HEILBRONN_RU_NOTES); kept as data, beside the starter glossary.
HEILBRONN_RU_FILE = Path(__file__).parent / "data" / "heilbronn_ru.json"


def heilbronn_russian_versions() -> list[StoneTranslation]:
    rows = json.loads(HEILBRONN_RU_FILE.read_text(encoding="utf-8"))
    return [StoneTranslation(**{**row, "people": tuple(tuple(person) for person in row["people"])}) for row in rows]


def heilbronn_translations(originals, problems):
    """The Russian versions of the given Heilbronn rows; yield them after the originals, which they name."""
    by_id = {row["external_id"]: row for row in originals}
    for translation in heilbronn_russian_versions():
        original = by_id.get(translation.source)
        if original is None:
            problems.append(f"{translation.source}: not in the Heilbronn data; its Russian version was left out")
            continue
        if len(original["people"]) != len(translation.people):
            problems.append(
                f"{translation.source}: {len(original['people'])} stones in the data, "
                f"{len(translation.people)} in the Russian version; the Russian version was left out"
            )
            continue
        people = [
            {**person, "name": name, "deported": deported, "fate": fate}
            for person, (name, deported, fate) in zip(original["people"], translation.people, strict=True)
        ]
        yield translated(
            original,
            "ru",
            title=translation.title,
            summary=translation.summary,
            body=f"{translation.body}\n\n{HEILBRONN_RU_NOTES[translation.scope]}",
            people=people,
            tags=list(dict.fromkeys(HEILBRONN_TAGS_RU.get(tag, tag) for tag in original["tags"])),
            attribution=HEILBRONN_RU_ATTRIBUTION,
        )


def demo_rows(data_dir=None, berlin_sample=200, problems=None):
    """All demo rows: the Heilbronn sites and their Russian versions, a sample of the Berlin stones, and the
    written entries."""
    problems = problems if problems is not None else []
    heilbronn = []
    for row in iter_source("heilbronn", data_dir, problems):
        heilbronn.append(row)
        yield row
    yield from heilbronn_translations(heilbronn, problems)
    yield from iter_source("berlin", data_dir, problems, limit=berlin_sample)
    yield from written_rows()


COLLECTIONS = [
    {
        "slug": "stolpersteine-heilbronn-unterricht",
        "title": {
            "de": "Stolpersteine in Heilbronn – für den Unterricht",
            "ru": "Камни преткновения в Хайльбронне – для уроков",
        },
        "introduction": {
            "de": "Familien aus Heilbronn, ihre Wohnorte und ihre Wege: verfolgt, vertrieben, ermordet. "
            "Eine Auswahl für eine Doppelstunde, mit Inschriften und Biografien.",
            "ru": "Семьи из Хайльбронна, их дома и судьбы: преследование, изгнание, гибель. "
            "Подборка для сдвоенного урока, с надписями и биографиями.",
        },
        "entries": ["heilbronn-achtungstr-21", "heilbronn-allee-39", "heilbronn-achtungstr-35-1"],
    },
    {
        "slug": "22-juni-gemeinsam-erinnern",
        "title": {"de": "22. Juni: gemeinsam erinnern", "ru": "22 июня: помнить вместе"},
        "introduction": {
            "de": "Wie deutsche und russische Partnerstädte an den Überfall auf die Sowjetunion erinnern.",
            "ru": "Как города-партнёры Германии и России вспоминают о нападении на Советский Союз.",
        },
        "entries": ["demo-22-june-wreath", "demo-kaluga-2021", "demo-tiergarten-memorial", "demo-testimony-kaluga-de"],
    },
]
