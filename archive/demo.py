"""The demo a visitor can explore at once: real data plus entries the project wrote in both languages.

The hand-written entries are rows of the import format, so the demo goes through
the same checks and code path as any import, and loading it twice changes nothing.
"""

from archive.sources import iter_source

KALUGA_DE = (
    "Im Juni 2021 trafen sich Vertreterinnen und Vertreter deutscher und russischer Partnerstädte "
    "in Kaluga zur Deutsch-Russischen Städtepartnerkonferenz, wegen der Pandemie teils vor Ort, "
    "teils online.\n\n"
    "Eine Arbeitsgruppe widmete sich der Erinnerungskultur. Achtzig Jahre nach dem deutschen Überfall "
    "auf die Sowjetunion am 22. Juni 1941 sprachen die Teilnehmenden darüber, wie Städte gemeinsam "
    "an die Opfer erinnern können: durch die Pflege sowjetischer Kriegsgräber in Deutschland, "
    "durch Jugendbegegnungen und durch Ausstellungen, die Zeitzeugnisse aus beiden Ländern zeigen.\n\n"
    "Dieser Eintrag wurde für die Demo von Memoria geschrieben."
)
KALUGA_RU = (
    "В июне 2021 года представители городов-партнёров Германии и России собрались в Калуге на "
    "Российско-германскую конференцию городов-партнёров: из-за пандемии частично очно, частично онлайн.\n\n"
    "Одна из рабочих групп была посвящена культуре памяти. Через восемьдесят лет после нападения "
    "Германии на Советский Союз 22 июня 1941 года участники обсуждали, как города могут вместе "
    "хранить память о жертвах: ухаживая за советскими воинскими захоронениями в Германии, "
    "организуя молодёжные встречи и выставки со свидетельствами из обеих стран.\n\n"
    "Эта запись написана для демонстрационной версии Memoria."
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

PROJECT = {"licence": "CC BY-SA 4.0", "attribution": "Memoria (demo content)", "source_url": ""}


def translated(original, language, **texts):
    """The translation of a written row: the facts are the original's, the texts its own."""
    suffix = f"-{language}"
    return {
        **original,
        "external_id": original["external_id"] + suffix,
        "language": language,
        "translation_of": original["external_id"],
        **texts,
    }


def written_rows():
    """Entries the project wrote in both languages, each original followed by its translation."""
    kaluga = {
        "external_id": "demo-kaluga-2021",
        "type": "initiative",
        "language": "de",
        "title": "Städtepartnerkonferenz 2021 in Kaluga: Arbeitsgruppe Erinnerungskultur",
        "summary": (
            "Deutsche und russische Partnerstädte beraten in Kaluga über gemeinsames Gedenken an den 22. Juni 1941."
        ),
        "body": KALUGA_DE,
        "date": "2021-06",
        "date_precision": "month",
        "city": "kaluga",
        "partner_cities": ["kaluga", "suhl", "essen", "nischni-nowgorod"],
        "organisers": "Deutsch-Russisches Forum\nStadt Kaluga",
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
        title="Конференция городов-партнёров 2021 в Калуге: рабочая группа по культуре памяти",
        summary="Города-партнёры Германии и России обсуждают в Калуге общую память о 22 июня 1941 года.",
        body=KALUGA_RU,
        organisers="Германо-Российский форум\nГород Калуга",
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


def demo_rows(data_dir=None, berlin_sample=200, problems=None):
    """All demo rows: the Heilbronn sites, a sample of the Berlin stones, and the written entries."""
    problems = problems if problems is not None else []
    yield from iter_source("heilbronn", data_dir, problems)
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
