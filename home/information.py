"""The information pages every site has: an imprint and a privacy notice in both languages.

They are ordinary pages, edited in the admin and linked in the footer; the privacy notice says
what the site stores and for how long, with the retention times the settings give when the pages
are made. The demo publishes them; a deployment (`manage.py deploy`) gets them as drafts, for
its editors to complete (the imprint names the operator) and publish.
"""

from django.conf import settings
from django.db import transaction


def information_pages(language):
    """[(slug, title, body HTML)] for the language."""
    days = settings.MEMORIA_CONTRIBUTION_RETENTION_DAYS
    login_days = settings.MEMORIA_LOGIN_RECORDS_RETENTION_DAYS
    if language == "ru":
        return [
            (
                "vykhodnye-dannye",
                "Выходные данные",
                "<p>Memoria – архив германо-российской культуры памяти городов-партнёров. "
                "Ответственный за содержание: рабочая группа по культуре памяти (укажите здесь "
                "организацию, адрес и контакт для связи).</p>",
            ),
            (
                "zashchita-dannykh",
                "Защита данных",
                "<h2>Что мы храним</h2><ul>"
                "<li><b>Читатели</b>: для чтения и поиска не нужны ни регистрация, ни cookie; сайт "
                "не обращается к внешним сервисам. Чтобы защитить сайт от перегрузки, адрес "
                "отправителя учитывается в кэше не дольше часа.</li>"
                "<li><b>Присланные материалы</b>: имя, по желанию адрес электронной почты, текст, "
                "фото и ключевой хеш адреса (не сам адрес). Их видит только редакция; после "
                f"обработки они удаляются вместе с фото через {days} дней.</li>"
                "<li><b>Редакция и партнёры</b>: учётная запись, журнал изменений страниц и "
                "неудачные попытки входа (имя пользователя и адрес) для защиты от подбора пароля; "
                f"они удаляются через {login_days} дней, об успешных входах записей нет.</li>"
                "</ul><h2>Ваши права</h2><p>Вы можете узнать, какие данные о вас хранятся, и "
                "попросить их исправить или удалить: напишите редакции.</p>",
            ),
        ]
    return [
        (
            "impressum",
            "Impressum",
            "<p>Memoria ist ein Archiv der deutsch-russischen Erinnerungskultur der Partnerstädte. "
            "Verantwortlich für den Inhalt: die Arbeitsgruppe Erinnerungskultur (tragen Sie hier "
            "Organisation, Anschrift und Kontakt ein).</p>",
        ),
        (
            "datenschutz",
            "Datenschutz",
            "<h2>Was wir speichern</h2><ul>"
            "<li><b>Leserinnen und Leser</b>: Lesen und Suchen brauchen weder Anmeldung noch Cookies; "
            "die Website ruft keine fremden Dienste auf. Zum Schutz vor Überlastung wird die Adresse "
            "der Anfragen höchstens eine Stunde lang im Cache gezählt.</li>"
            "<li><b>Zusendungen</b>: Name, auf Wunsch eine E-Mail-Adresse, Text, Foto und ein "
            "verschlüsselter Hash der Adresse (nicht die Adresse selbst). Nur die Redaktion sieht sie; "
            f"{days} Tage nach der Bearbeitung werden sie mit dem Foto gelöscht.</li>"
            "<li><b>Redaktion und Partner</b>: ihr Konto, die Versionsgeschichte der Seiten und "
            "fehlgeschlagene Anmeldeversuche (Benutzername und Adresse) zum Schutz vor dem Erraten "
            f"von Passwörtern; sie werden nach {login_days} Tagen gelöscht, erfolgreiche Anmeldungen "
            "werden nicht aufgezeichnet.</li></ul><h2>Ihre Rechte</h2><p>Sie können erfahren, was über Sie "
            "gespeichert ist, und die Berichtigung oder Löschung verlangen: schreiben Sie der Redaktion.</p>",
        ),
    ]


@transaction.atomic
def ensure_information_pages(publish: bool) -> list:
    """The imprint and the privacy notice under each home page, each Russian one a translation of the
    German; pages that exist (by slug) are kept as they are, but for `publish`, which publishes the
    drafts that were never published (a deployment's, when its demo is loaded after). Returns the
    pages made or published."""
    from home.models import HomePage, InformationPage

    made, german = [], []
    for language in ("de", "ru"):
        home = HomePage.objects.filter(locale__language_code=language).first()
        if home is None:
            continue
        for position, (slug, title, body) in enumerate(information_pages(language)):
            page = InformationPage.objects.child_of(home).filter(slug=slug).first()
            if page is None:
                page = InformationPage(slug=slug, title=title, body=body, locale=home.locale, live=publish)
                if language == "ru" and position < len(german):
                    page.translation_key = german[position].translation_key
                home.add_child(instance=page)
                made.append(page)
            elif publish and not page.live and page.first_published_at is None:
                page.save_revision().publish()
                made.append(page)
            if language == "de":
                german.append(page)
    return made
