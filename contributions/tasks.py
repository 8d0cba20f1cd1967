import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from contributions.models import Contribution

logger = logging.getLogger("memoria.contributions")


@task()
def notify_editors(contribution_id):
    """Tell the editors that a contribution waits; without MEMORIA_EDITORS_EMAIL nobody is mailed."""
    recipients = getattr(settings, "MEMORIA_EDITORS_EMAIL", None)
    if not recipients:
        return
    if isinstance(recipients, str):
        recipients = [recipients]
    contribution = Contribution.objects.select_related("entry").get(pk=contribution_id)
    # The editors' language, not the reader's. The reader's email address stays in the admin.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New contribution: %(kind)s") % {"kind": contribution.get_kind_display()}
        body = render_to_string(
            "contributions/new_contribution_email.txt",
            {
                "contribution": contribution,
                "admin_url": settings.WAGTAILADMIN_BASE_URL + reverse("contribution:inspect", args=[contribution.pk]),
            },
        )
    send_mail(subject, body, None, recipients)
    logger.info("Editors told about contribution %s", contribution.pk)
