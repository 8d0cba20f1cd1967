"""The admin's failed log-in attempts (django-axes) are kept for a set time only, then deleted.

They hold a user name and the client's address; the lock-out needs them for AXES_COOLOFF_TIME,
MEMORIA_LOGIN_RECORDS_RETENTION_DAYS keeps them a little longer for an editor who asks what
happened, and the privacy notice says how long. Successful log-ins are not recorded at all
(AXES_DISABLE_ACCESS_LOG): Wagtail's own history says who changed what.
"""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone


def prune_login_attempts(now=None) -> int:
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.MEMORIA_LOGIN_RECORDS_RETENTION_DAYS)
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    # Records of successful log-ins from before they were switched off.
    logins, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    return attempts + failures + logins
